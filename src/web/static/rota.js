(function () {
  "use strict";
  const { api } = window.Dutyline;
  const btn = document.getElementById("calendar-link");
  const out = document.getElementById("calendar-out");
  const input = document.getElementById("calendar-url");
  const status = document.getElementById("calendar-status");
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    status.textContent = "";
    try {
      const { url } = await api("POST", "/api/me/calendar-token");
      input.value = url;
      out.hidden = false;
      input.focus();
      input.select();
    } catch (e) {
      status.textContent = e instanceof TypeError ? "No signal." : e.message;
    } finally {
      btn.disabled = false;
    }
  });
  document.getElementById("calendar-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = "Copied.";
    } catch (_) {
      input.select();
      status.textContent = "Select the link and copy it.";
    }
  });
})();
