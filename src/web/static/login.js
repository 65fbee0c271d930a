// An enhancement only: the form posts to /login and signs in without JavaScript. With it,
// the sign-in goes over the API from the page, so "no signal" can be said instead of an
// error page, and the API's own words for a wrong pair or too many attempts are shown.
(function () {
  "use strict";
  const form = document.getElementById("login-form");
  const msg = document.getElementById("login-error");
  if (!form || !msg || !window.fetch) return;
  const safe = (next) => (next && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.textContent = "";
    const btn = form.querySelector("button[type=submit]");
    btn.disabled = true;
    try {
      await Dutyline.api("POST", "/api/auth/login", { email: form.email.value.trim(), password: form.password.value });
      const next = (form.next && form.next.value) || new URLSearchParams(location.search).get("next");
      location.href = safe(next);
    } catch (e) {
      if (e instanceof TypeError) msg.textContent = "No signal. Try again when you are online.";
      else if (e.status === 400) msg.textContent = "Enter your email address and password.";
      else msg.textContent = e.message || (e.status === 401 ? "Wrong email or password." : "Signing in did not work. Try again in a moment.");
      form.password.focus();
    } finally {
      btn.disabled = false;
    }
  });
})();
