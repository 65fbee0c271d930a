// The live board: re-reads the API whenever the server says something changed
// (server-sent events), and every 30 s in case an event was missed.
(function () {
  "use strict";
  const { api, time, dayTime, duration, el } = window.Dutyline;
  const me = document.body.dataset.user;
  // Opened from a notification (/alerts/{id}): that alert goes first.
  const focus = document.getElementById("board-top").dataset.focusAlert || "";
  let scrolled = false;
  const REASONS = { missed_check_in: "Missed check-in", panic: "PANIC alarm", duress: "DURESS check-out", no_manager_on_duty: "No manager on duty" };
  const PURPOSES = { mha_assessment: "MHA assessment", home_visit: "Home visit", other: "Visit" };
  const OUTCOMES = [
    ["safe", "Worker safe"],
    ["contacted", "Contacted worker, no concern"],
    ["police", "Police called"],
    ["false_alarm", "False alarm"],
    ["other", "Other (see note)"],
  ];
  let state = { alerts: [], visits: [], onDuty: null, readiness: null };
  let cardCache = new Map();
  const names = new Map(); // staff id -> name, for alerts whose visit has ended
  api("GET", "/api/staff")
    .then((b) => list(b, "staff").forEach((p) => names.set(p.id, p.name)))
    .catch(() => undefined);
  const list = (b, k) => (Array.isArray(b) ? b : (b && (b[k] || b.rows)) || []);

  const who = (v, a) => (v && (v.staffName || (v.staff && v.staff.name))) || (a && names.get(a.staffId)) || "";
  const where = (v) => (v && v.location && v.location.address) || "";

  /** Most urgent first: panic/duress, then higher steps, then oldest; then acknowledged. */
  function alertRank(a) {
    const open = !a.acknowledgedAt;
    const kind = a.reason === "panic" || a.reason === "duress" ? 0 : a.reason === "missed_check_in" ? 1 : 2;
    return [a.id === focus ? 0 : 1, open ? 0 : 1, kind, -(a.step || 0), Date.parse(a.raisedAt) || 0];
  }
  function cmp(a, b) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  }

  async function refresh() {
    const [open, acked, visits, onDuty] = await Promise.all([
      api("GET", "/api/alerts?status=open").catch(() => null),
      api("GET", "/api/alerts?status=acknowledged").catch(() => null),
      api("GET", "/api/visits?status=active").catch(() => null),
      api("GET", "/api/on-duty").catch(() => null),
    ]);
    const seen = new Set();
    state.alerts = [...list(open, "alerts"), ...list(acked, "alerts")].filter((a) => !seen.has(a.id) && seen.add(a.id));
    state.visits = list(visits, "visits");
    state.onDuty = onDuty;
    render();
  }

  async function refreshReadiness() {
    const from = new Date();
    const to = new Date(from.getTime() + 364 * 86400000);
    state.readiness = await api("GET", "/api/readiness?from=" + encodeURIComponent(from.toISOString()) + "&to=" + encodeURIComponent(to.toISOString())).catch(() => null);
    renderReadiness();
  }

  function notesLine(a) {
    const ns = a.notifications || [];
    if (!ns.length) return null;
    const people = new Set(ns.map((n) => n.staffId)).size;
    const shown = new Set(ns.filter((n) => n.shownAt).map((n) => n.staffId)).size;
    return el("p", { class: "meta" }, "Told " + people + (people === 1 ? " person" : " people") + "; shown on the device of " + shown + ".");
  }

  function alertCard(a) {
    const v = state.visits.find((x) => x.id === a.visitId) || a.visit;
    const urgent = !a.acknowledgedAt;
    const title = REASONS[a.reason] || a.reason;
    const card = el(
      "article",
      { class: "card board-item " + (urgent ? "urgent" : "late"), "data-alert-id": a.id, "aria-labelledby": "alert-" + a.id },
      el("h3", { id: "alert-" + a.id }, el("span", { class: "tag " + (urgent ? "bad" : "warn") }, urgent ? "OPEN" : "ACKNOWLEDGED"), " ", title, who(v, a) ? " · " + who(v, a) : ""),
      el("p", { class: "meta" }, "Raised " + time(a.raisedAt) + " (", el("span", { "data-since": a.raisedAt }, duration(Date.now() - Date.parse(a.raisedAt))), " ago) · step " + (a.step ?? 0), where(v) ? " · " + where(v) : ""),
      a.acknowledgedAt ? el("p", { class: "meta" }, "Acknowledged at " + time(a.acknowledgedAt) + (a.acknowledgedBy ? " by " + (a.acknowledgedBy === me ? "you" : names.get(a.acknowledgedBy) || "a manager") : "")) : null,
      a.workerCheckedInAt ? el("p", {}, el("strong", {}, "Worker checked in at " + time(a.workerCheckedInAt)), " after this alert. A check-in can be forced: confirm they are safe before resolving.") : null,
      notesLine(a),
    );
    const actions = el("div", { class: "actions" });
    if (!a.acknowledgedAt) {
      actions.append(el("button", { type: "button", class: "danger", onclick: () => act(a, "acknowledge") }, "Acknowledge: I'm dealing with it"));
    } else {
      const sel = el("select", { id: "outcome-" + a.id, name: "outcome" }, OUTCOMES.map(([v, l]) => el("option", { value: v }, l)));
      const note = el("input", { type: "text", id: "note-" + a.id, name: "note", maxlength: 500 });
      const form = el(
        "form",
        { class: "row", onsubmit: (ev) => (ev.preventDefault(), act(a, "resolve", { outcome: sel.value, note: note.value.trim() || undefined })) },
        el("div", {}, el("label", { for: "outcome-" + a.id }, "Outcome"), sel),
        el("div", {}, el("label", { for: "note-" + a.id }, "Note (optional)"), note),
        el("div", {}, el("button", { type: "submit" }, "Resolve")),
      );
      actions.append(form);
    }
    card.append(actions);
    if (v && v.staffId === me) card.append(el("p", { class: "hint" }, "This is your own visit: another manager must acknowledge it."));
    return card;
  }

  function visitCard(v) {
    const left = Date.parse(v.nextCheckInDue) - Date.now();
    const overdue = left < 0;
    return el(
      "article",
      { class: "card board-item" + (overdue ? " urgent" : left < 5 * 60000 ? " late" : ""), "data-visit-id": v.id },
      el("h3", {}, who(v) || "Visit", " · ", PURPOSES[v.purpose] || v.purpose || ""),
      el("p", {}, overdue ? el("strong", {}, "Check-in OVERDUE by " + duration(left)) : "Next check-in in " + duration(left), " (due " + time(v.nextCheckInDue) + ")"),
      el("p", { class: "meta" }, (where(v) ? where(v) + " · " : "") + "expected end " + time(v.expectedEnd)),
    );
  }

  function render() {
    const alerts = state.alerts.slice().sort((a, b) => cmp(alertRank(a), alertRank(b)));
    const ab = document.getElementById("alerts");
    // Keep a card (and anything typed in it) while its alert has not changed.
    const next = new Map();
    const cards = alerts.map((a) => {
      const ns = a.notifications || [];
      const key = [a.id, a.acknowledgedAt || "", a.step || 0, a.workerCheckedInAt || "", ns.length, ns.filter((n) => n.shownAt).length, names.size].join("|");
      const card = cardCache.get(key) || alertCard(a);
      next.set(key, card);
      return card;
    });
    cardCache = next;
    if (cards.length) {
      const same = cards.length === ab.children.length && cards.every((c, i) => ab.children[i] === c);
      if (!same) ab.replaceChildren(...cards);
    } else ab.replaceChildren(el("p", {}, "No alerts."));
    if (focus && !scrolled && cards.length && alerts[0].id === focus) {
      scrolled = true;
      cards[0].classList.add("focused");
      const btn = cards[0].querySelector("button");
      if (btn) btn.focus();
    }
    renderVisits();
    const od = document.getElementById("on-duty");
    const d = state.onDuty;
    od.replaceChildren(
      d
        ? el(
            "dl",
            {},
            el("dt", {}, el("strong", {}, "AMHP")),
            el("dd", {}, (d.amhp || []).map((p) => p.name).join(", ") || "Nobody on the rota"),
            el("dt", {}, el("strong", {}, "Duty manager")),
            el("dd", {}, (d.managers || []).map((p) => p.name).join(", ") || "NOBODY: alerts go to the senior list"),
          )
        : el("p", {}, "Not available."),
    );
  }

  function renderVisits() {
    const vb = document.getElementById("visits");
    const visits = state.visits.slice().sort((a, b) => Date.parse(a.nextCheckInDue) - Date.parse(b.nextCheckInDue));
    vb.replaceChildren(...(visits.length ? visits.map(visitCard) : [el("p", {}, "No active visits.")]));
  }

  function renderReadiness() {
    const r = state.readiness;
    const box = document.getElementById("readiness");
    if (!r) return box.replaceChildren(el("p", {}, "Not available."));
    const gaps = r.uncoveredManagerHours || [];
    const noPush = r.managersWithoutPush || [];
    box.replaceChildren(
      el("h3", {}, "Hours with no duty manager"),
      gaps.length ? el("p", {}, el("strong", {}, Math.round(gaps.reduce((t, g) => t + (Date.parse(g.end) - Date.parse(g.start)), 0) / 3600000) + " hours"), " in " + gaps.length + " gap" + (gaps.length === 1 ? "" : "s") + ". The first:") : null,
      gaps.length
        ? el("ul", { class: "plain" }, gaps.slice(0, 10).map((g) => el("li", { class: "gap" }, "GAP: " + dayTime(g.start) + " to " + dayTime(g.end))), gaps.length > 10 ? el("li", {}, "…and " + (gaps.length - 10) + " more") : null)
        : el("p", {}, el("span", { class: "tag good" }, "OK"), " Every hour has a duty manager."),
      el("h3", {}, "Managers without alerts on a device"),
      noPush.length
        ? el("ul", { class: "plain" }, noPush.map((m) => el("li", {}, el("span", { class: "tag warn" }, "NO PUSH"), " " + m.name + (m.nextShift ? " · next shift " + dayTime(m.nextShift.start || m.nextShift) : ""))))
        : el("p", {}, el("span", { class: "tag good" }, "OK"), " Every manager can receive alerts."),
    );
  }

  async function act(a, verb, body) {
    const msg = document.getElementById("board-msg");
    try {
      await api("POST", "/api/alerts/" + encodeURIComponent(a.id) + "/" + verb, body || {});
      msg.textContent = verb === "acknowledge" ? "Acknowledged: the alert has stopped climbing. Resolve it when you know the outcome." : "Resolved.";
    } catch (e) {
      msg.textContent = e.status === 409 ? "Someone else acknowledged it first." : e instanceof TypeError ? "No signal: not sent. Try again." : e.message;
    }
    await refresh();
  }

  // Live updates.
  const status = document.getElementById("live-status");
  let timer = 0;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  };
  function connect() {
    const es = new EventSource("/api/events");
    es.onopen = () => (status.textContent = "Live: updates appear as they happen.");
    es.onmessage = soon;
    for (const t of ["alert", "visit", "alert.raised", "alert.acknowledged", "alert.resolved", "alert.escalated", "visit.started", "visit.checked_in", "visit.completed", "check_in"]) es.addEventListener(t, soon);
    es.onerror = () => (status.textContent = "Reconnecting to live updates… (the board still refreshes every 30 s)");
  }
  connect();
  setInterval(refresh, 30000);
  setInterval(() => {
    renderVisits();
    for (const s of document.querySelectorAll("[data-since]")) s.textContent = duration(Date.now() - Date.parse(s.dataset.since));
  }, 1000);
  refresh();
  refreshReadiness();
})();
