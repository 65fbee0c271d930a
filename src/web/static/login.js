(function () {
  "use strict";
  const form = document.getElementById("login-form");
  const msg = document.getElementById("login-error");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.textContent = "";
    const btn = form.querySelector("button[type=submit]");
    btn.disabled = true;
    try {
      await Dutyline.api("POST", "/api/auth/login", { email: form.email.value.trim(), password: form.password.value });
      const next = new URLSearchParams(location.search).get("next");
      location.href = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
    } catch (e) {
      msg.textContent = e.status === 401 ? "That email and password do not match." : e.status === 429 ? "Too many attempts. Wait a few minutes and try again." : e instanceof TypeError ? "No signal. Try again when you are online." : e.message;
      form.password.focus();
    } finally {
      btn.disabled = false;
    }
  });
})();
