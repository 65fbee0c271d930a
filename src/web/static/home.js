(function () {
  "use strict";
  const { api, uuid } = window.Dutyline;
  const duress = document.getElementById("duress-form");
  if (duress) {
    duress.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const status = document.getElementById("duress-status");
      const pin = duress.pin.value;
      if (!/^\d{4,12}$/.test(pin)) return void (status.textContent = "Use 4 to 12 digits.");
      if (pin !== duress.pin2.value) return void (status.textContent = "The two PINs are not the same.");
      try {
        await api("PUT", "/api/me/duress-pin", { pin });
        duress.reset();
        status.textContent = "Duress PIN saved.";
      } catch (e) {
        status.textContent = e instanceof TypeError ? "No signal: not saved." : e.message;
      }
    });
  }
  const form = document.getElementById("start-visit");
  if (!form) return;
  const err = document.getElementById("start-error");
  // One key per attempt, reused with the very same body if the phone retries after losing
  // the answer (the server refuses a key sent again with a different body).
  let key = uuid();
  let sent = null;
  form.addEventListener("input", () => {
    key = uuid();
    sent = null;
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    const address = form.address.value.trim();
    if (!address) {
      err.textContent = "Enter the address you are going to.";
      form.address.focus();
      return;
    }
    const minutes = Number(form.duration.value || 60);
    const body = sent || {
      purpose: form.purpose.value || "mha_assessment",
      location: { address },
      expectedEnd: new Date(Date.now() + minutes * 60000).toISOString(),
    };
    if (!sent) {
      if (form.interval.value) body.checkInEveryMinutes = Number(form.interval.value);
      if (form.patientRef.value.trim()) body.patientRef = form.patientRef.value.trim();
      if (form.riskNotes.value.trim()) body.riskNotes = form.riskNotes.value.trim();
      sent = body;
    }
    const btn = form.querySelector("button[type=submit]");
    btn.disabled = true;
    try {
      const v = await api("POST", "/api/visits", body, { "Idempotency-Key": key });
      location.href = "/visits/" + encodeURIComponent(v.id);
    } catch (e) {
      if (e instanceof TypeError) err.textContent = "No signal: the visit was not started. Try again, or phone the duty manager before you go in.";
      else if (e.problem && e.problem.errors) err.textContent = e.problem.errors.map((x) => x.path + ": " + x.message).join("; ");
      else err.textContent = e.message;
      btn.disabled = false;
    }
  });
})();
