// The active visit: "I'm OK", check out, extend and panic. Check-ins, check-outs and
// alarms always go through the IndexedDB outbox, so the same path works with or without signal.
(function () {
  "use strict";
  const { api, time, duration } = window.Dutyline;
  const Outbox = window.DutylineOutbox;
  const root = document.getElementById("visit");
  const visitId = root.dataset.visitId;
  const $ = (id) => document.getElementById(id);
  const cacheKey = "dutyline.visit." + visitId;
  const PURPOSES = { mha_assessment: "Mental Health Act assessment", home_visit: "Home visit", other: "Visit" };

  let visit = null;
  try {
    visit = JSON.parse(localStorage.getItem(cacheKey) || "null");
  } catch (_) {}
  let pendingHere = []; // outbox entries for this visit

  function lastCheckIn() {
    const ins = (visit.checkIns || []).filter((c) => c.kind === "check_in");
    return ins.length ? " · last check-in " + time(ins[ins.length - 1].at) : "";
  }

  function render() {
    if (!visit) return;
    $("visit-title").textContent = PURPOSES[visit.purpose] || "Visit";
    $("visit-where").textContent = (visit.location && visit.location.address ? visit.location.address + " · " : "") + "expected to finish at " + time(visit.expectedEnd) + lastCheckIn();
    const finished = visit.status && visit.status !== "active";
    // Duress alarms are never shown here: the screen must look like an ordinary check-out.
    const open = (visit.alerts || []).some((a) => a.reason !== "duress" && !a.acknowledgedAt && !a.resolvedAt && a.status !== "resolved");
    $("alert-open").hidden = !open || Boolean(finished);
    // Someone acknowledged the worker's missed check-in or panic: say who (the API never lists a duress alarm here).
    const dealt = (visit.alerts || []).filter((a) => a.reason !== "duress" && a.status === "acknowledged" && a.acknowledgedByName);
    const names = [...new Set(dealt.map((a) => a.acknowledgedByName))];
    const dealtText = names.length ? names.join(" and ") + (names.length === 1 ? " is" : " are") + " dealing with your alert." : "";
    if ($("alert-dealt").textContent !== dealtText) $("alert-dealt").textContent = dealtText;
    $("alert-dealt").hidden = !dealtText;
    const checkedOutLocally = pendingHere.some((e) => e.kind === "check-out");
    // A manager looking at a colleague's visit sees it, but the buttons are the worker's.
    const someoneElse = visit.staffId && visit.staffId !== document.body.dataset.user;
    for (const id of ["check-in", "extend", "check-out", "panic-h"]) {
      const n = id === "panic-h" ? $(id).parentElement : $(id);
      n.hidden = Boolean(someoneElse);
    }
    $("visit-where").textContent = (someoneElse ? (visit.staffName || "A colleague") + "'s visit · " : "") + $("visit-where").textContent;
    $("live").hidden = Boolean(finished || checkedOutLocally);
    $("done").hidden = !(finished || checkedOutLocally);
    if (checkedOutLocally && !finished) {
      $("done-title").textContent = "Check-out saved";
      $("done-text").textContent = "Your check-out is saved on this phone and will be sent when there is signal.";
    } else if (finished) {
      $("done-title").textContent = "Visit complete";
      $("done-text").textContent = "You are checked out.";
    }
    tick();
  }

  function tick() {
    if (!visit || !visit.nextCheckInDue) return;
    const left = Date.parse(visit.nextCheckInDue) - Date.now();
    const due = $("due");
    if (left >= 0) {
      due.classList.remove("overdue");
      $("due-label").textContent = "Next check-in due in";
      $("due-left").textContent = duration(left);
    } else {
      due.classList.add("overdue");
      $("due-label").textContent = "Check-in OVERDUE by";
      $("due-left").textContent = duration(left);
    }
    $("due-at").textContent = "(at " + time(visit.nextCheckInDue) + ")";
  }
  setInterval(tick, 1000);

  // While an alert about this visit is unresolved, or its check-in is overdue (an alert is coming), look
  // again often, so the worker sees who is dealing with it. Only what this page shows decides.
  const pending = () =>
    Boolean(visit && ((visit.alerts || []).some((a) => a.status !== "resolved") || (visit.status === "active" && Date.parse(visit.nextCheckInDue) < Date.now())));
  setInterval(() => {
    if (pending() && navigator.onLine && document.visibilityState === "visible") load();
  }, 5000);

  async function load() {
    try {
      visit = await api("GET", "/api/visits/" + encodeURIComponent(visitId));
      localStorage.setItem(cacheKey, JSON.stringify(visit));
      $("load-error").hidden = true;
    } catch (e) {
      const el = $("load-error");
      el.hidden = false;
      el.textContent = e instanceof TypeError ? "No signal: showing what this phone last knew." : e.status === 404 ? "This visit was not found." : e.message;
    }
    render();
  }

  const KIND = { "check-in": "check-in", "check-out": "check-out", alarm: "panic alarm" };
  async function showOutbox() {
    const all = await Outbox.list();
    pendingHere = all.filter((e) => e.visitId === visitId);
    const box = $("outbox");
    if (!all.length) {
      box.hidden = true;
      box.textContent = "";
    } else {
      box.hidden = false;
      const lines = all.map((e) => KIND[e.kind] + " made at " + time(e.madeAt));
      box.textContent = "Waiting to send (no signal yet): " + lines.join("; ") + ". It will go as soon as the phone is back online.";
    }
    render();
  }

  function say(text, kind) {
    const r = $("result");
    r.hidden = false;
    r.className = "notice " + (kind || "good");
    r.textContent = text;
  }

  async function flush() {
    if (!(await Outbox.list()).length) return;
    let results = [];
    try {
      results = await Outbox.flush();
    } catch (_) {}
    for (const r of results) {
      if (r.entry.visitId !== visitId) continue;
      if (!r.ok) say("Not accepted: " + ((r.data && (r.data.detail || r.data.title)) || "status " + r.status), "bad");
      else if (r.entry.kind === "check-in") say("Check-in sent at " + time(new Date().toISOString()) + ".");
      else if (r.entry.kind === "alarm") $("panic-status").textContent = "Panic alarm sent. Managers are being alerted now.";
    }
    await showOutbox();
    if (results.length) await load();
  }

  async function queue(kind, body) {
    const entry = await Outbox.add({ kind, visitId, body: body || {} });
    await showOutbox();
    await flush();
    // Still waiting (no signal): Background Sync (Chromium) sends it even if this tab is
    // closed. Registered only now, so the service worker never races this page for an
    // entry the page is sending itself (the page would then never confirm it).
    if ((await Outbox.list()).some((e) => e.id === entry.id)) {
      try {
        const reg = await navigator.serviceWorker.ready;
        if (reg.sync) await reg.sync.register("dutyline-outbox");
      } catch (_) {}
    }
  }

  $("check-in").addEventListener("click", async () => {
    const btn = $("check-in");
    btn.disabled = true;
    try {
      await queue("check-in", {});
      if (!navigator.onLine || pendingHere.some((e) => e.kind === "check-in")) say("Check-in saved on this phone. It is not sent yet: no signal.", "warn");
    } finally {
      btn.disabled = false;
    }
  });

  $("check-out").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const pin = $("pin").value;
    $("pin").value = "";
    await queue("check-out", pin ? { pin } : {});
  });

  $("extend").addEventListener("click", async (ev) => {
    const b = ev.target.closest("button[data-minutes]");
    if (!b) return;
    // A tap before the visit has loaded (slow signal) must not be lost: load it first.
    if (!visit) await load();
    if (!visit) return say("Could not read the visit yet: try again when there is signal.", "bad");
    const base = Math.max(Date.parse(visit.expectedEnd), Date.now());
    try {
      await api("POST", "/api/visits/" + encodeURIComponent(visitId) + "/extend", { expectedEnd: new Date(base + Number(b.dataset.minutes) * 60000).toISOString() });
      say("Visit extended to " + time(new Date(base + Number(b.dataset.minutes) * 60000).toISOString()) + ".");
      await load();
    } catch (e) {
      say(e instanceof TypeError ? "No signal: could not extend. Check in instead when you can." : e.message, "bad");
    }
  });

  // Panic: press and hold for 2 s, with the progress shown; letting go early cancels.
  const HOLD_MS = 2000;
  const panic = $("panic");
  const bar = $("panic-progress");
  let holdStart = 0;
  let raf = 0;
  let sent = false;
  function step() {
    const p = Math.min(100, ((performance.now() - holdStart) / HOLD_MS) * 100);
    bar.value = p;
    if (p >= 100) {
      holdStart = 0;
      fire();
      return;
    }
    raf = requestAnimationFrame(step);
  }
  function begin(ev) {
    if (ev) ev.preventDefault();
    if (holdStart || sent) return;
    holdStart = performance.now();
    $("panic-status").textContent = "Keep holding…";
    raf = requestAnimationFrame(step);
  }
  function cancel() {
    if (!holdStart) return;
    holdStart = 0;
    cancelAnimationFrame(raf);
    bar.value = 0;
    $("panic-status").textContent = "Not sent: hold for the full 2 seconds.";
  }
  async function fire() {
    sent = true;
    panic.textContent = "Panic alarm raised";
    $("panic-status").textContent = navigator.onLine ? "Sending panic alarm…" : "No signal: the alarm will send when the phone finds signal. Call 999 if you can.";
    await queue("alarm", {});
  }
  panic.addEventListener("pointerdown", begin);
  panic.addEventListener("pointerup", cancel);
  panic.addEventListener("pointerleave", cancel);
  panic.addEventListener("pointercancel", cancel);
  panic.addEventListener("contextmenu", (e) => e.preventDefault());
  panic.addEventListener("keydown", (e) => {
    if ((e.key === " " || e.key === "Enter") && !e.repeat) begin(e);
    else if (e.key === " " || e.key === "Enter") e.preventDefault();
  });
  panic.addEventListener("keyup", (e) => {
    if (e.key === " " || e.key === "Enter") cancel();
  });
  panic.addEventListener("click", (e) => e.preventDefault());

  // Send what is waiting whenever there may be signal again.
  addEventListener("online", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      flush();
      load();
    }
  });
  setInterval(() => {
    if (pendingHere.length || navigator.onLine) flush();
  }, 15000);

  render();
  showOutbox().then(flush).then(load);
})();
