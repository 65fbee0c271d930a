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
  // No outcome is chosen for the manager: the select starts empty and is required.
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

  const who = (v, a) => (a && a.worker && a.worker.name) || (v && (v.staffName || (v.staff && v.staff.name))) || (a && names.get(a.staffId)) || "";
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

  const KINDS = { start: "visit started", check_in: "check-in", extend: "visit extended", check_out: "checked out", alarm: "panic alarm pressed" };
  const CHANNELS = { push: "push", sms: "text", email: "email" };
  // The alarms a single click must never close.
  const ALARMS = new Set(["panic", "duress"]);

  /** "push shown 02:14", "no device to receive alerts": what reaching one person came to. */
  function reachWords(r) {
    const ch = CHANNELS[r.channel] || r.channel;
    const at = r.at ? " " + time(r.at) : "";
    switch (r.status) {
      case "shown":
        return ch + " shown" + at;
      case "delivered":
        return ch + " delivered" + at;
      case "sent":
        return ch + " sent" + at + ", not yet shown on a device";
      case "queued":
      case "sending":
        return ch + " being sent";
      case "failed":
        return ch + " failed" + at;
      case "no_subscription":
        return r.channel === "push" ? "no device to receive alerts" : "no " + ch + " contact recorded";
      case "cancelled":
        return ch + " not sent (acknowledged first)";
      default:
        return ch + " " + String(r.status).replace(/_/g, " ") + at;
    }
  }
  const reached = (r) => r.status === "shown" || r.status === "delivered";
  const NOT_REACHED = new Set(["failed", "no_subscription", "cancelled"]);

  /** Who was actually reached, by which channel, and who could not be. */
  function reachBlock(a) {
    const rs = a.reach || [];
    if (!rs.length) return null;
    const managers = rs.filter((r) => !r.isWorker);
    const people = new Set(managers.map((r) => r.staffId));
    const ok = new Set(managers.filter(reached).map((r) => r.staffId));
    return el(
      "div",
      { class: "reach" },
      el("p", { class: "meta" }, "Reached on a device: " + ok.size + " of " + people.size + (people.size === 1 ? " person" : " people") + " alerted."),
      el(
        "ul",
        { class: "plain reach-list", "aria-label": "Who was told" },
        rs.map((r) => el("li", { class: NOT_REACHED.has(r.status) ? "not-reached" : undefined }, r.name + (r.isWorker ? " (the worker)" : "") + " — " + reachWords(r))),
      ),
    );
  }

  /** Where the worker is, how to phone them, the risks they gave, when they were last heard from. */
  function factsBlock(a, v) {
    const loc = a.location || (v && v.location) || null;
    const pos = a.lastKnownPosition;
    const w = a.worker;
    const life = a.lastSignOfLife;
    const mapUrl = pos ? "https://www.openstreetmap.org/?mlat=" + pos.lat + "&mlon=" + pos.lng + "#map=17/" + pos.lat + "/" + pos.lng : "";
    return el(
      "dl",
      { class: "alarm-facts" },
      el("dt", {}, "Where"),
      el(
        "dd",
        {},
        loc && loc.address ? loc.address : "No address recorded",
        pos ? [el("br", {}), "Last known position " + pos.lat.toFixed(5) + ", " + pos.lng.toFixed(5) + " at " + time(pos.at) + " · ", el("a", { href: mapUrl, rel: "noopener noreferrer", target: "_blank" }, "map")] : null,
      ),
      el("dt", {}, "Mobile"),
      el(
        "dd",
        {},
        w && w.mobile ? el("a", { href: "tel:" + w.mobile, class: "tel" }, "Call " + (w.name || "the worker") + ": " + w.mobile) : "No mobile number recorded",
        a.reason === "duress" || a.parentReason === "duress" ? el("span", { class: "duress-warning" }, el("br", {}), el("strong", {}, "Do not call their phone openly:"), " someone may be watching it.") : null,
      ),
      el("dt", {}, "Risk notes"),
      el("dd", { class: "risk-notes" }, a.riskNotes || "None given at the start of the visit."),
      el("dt", {}, "Last sign of life"),
      el("dd", {}, life ? [(KINDS[life.kind] || life.kind) + " at " + time(life.at) + " (", el("span", { "data-since": life.at }, duration(Date.now() - Date.parse(life.at))), " ago)"] : "Not known"),
    );
  }

  function alertCard(a) {
    const v = state.visits.find((x) => x.id === a.visitId) || a.visit;
    const urgent = !a.acknowledgedAt;
    const title = REASONS[a.reason] || a.reason;
    const card = el(
      "article",
      { class: "card board-item " + (urgent ? "urgent" : "late"), "data-alert-id": a.id, "aria-labelledby": "alert-" + a.id },
      el("h3", { id: "alert-" + a.id }, a.drill ? [el("span", { class: "tag drill" }, "DRILL"), " "] : null, el("span", { class: "tag " + (urgent ? "bad" : "warn") }, urgent ? "OPEN" : "ACKNOWLEDGED"), " ", title, who(v, a) ? " · " + who(v, a) : "", a.parentReason ? " (for a " + (REASONS[a.parentReason] || a.parentReason) + ")" : ""),
      a.drill ? el("p", { class: "notice drill" }, el("strong", {}, "This is a drill"), " — a test of lone-working alerts, not a real alarm. Acknowledge and resolve it as you would a real one: how long that takes is recorded on the Drills page.") : null,
      a.considerPolice ? el("p", { class: "notice bad police" }, el("strong", {}, "Consider police (999)"), " — this alarm has reached the police step of the ladder.") : null,
      el("p", { class: "meta" }, "Raised " + time(a.raisedAt) + " (", el("span", { "data-since": a.raisedAt }, duration(Date.now() - Date.parse(a.raisedAt))), " ago) · step " + (a.step ?? 0)),
      factsBlock(a, v),
      a.acknowledgedAt ? el("p", { class: "meta" }, "Acknowledged at " + time(a.acknowledgedAt) + (a.acknowledgedBy ? " by " + (a.acknowledgedBy === me ? "you" : a.acknowledgedByName || names.get(a.acknowledgedBy) || "a manager") : "")) : null,
      a.workerCheckedInAt ? el("p", {}, el("strong", {}, "Worker checked in at " + time(a.workerCheckedInAt)), " after this alert. A check-in can be forced: confirm they are safe before resolving.") : null,
      reachBlock(a),
    );
    const actions = el("div", { class: "actions" });
    if (!a.acknowledgedAt) {
      actions.append(el("button", { type: "button", class: "danger", onclick: () => act(a, "acknowledge") }, "Acknowledge: I'm dealing with it"));
    } else {
      actions.append(resolveForm(a, title));
    }
    card.append(actions);
    if (v && v.staffId === me) card.append(el("p", { class: "hint" }, "This is your own visit: another manager must acknowledge it."));
    return card;
  }

  /**
   * The outcome is chosen each time (nothing preselected). A panic or duress alarm is
   * closed only after a second, separate confirmation, whose "No" sits where "Resolve"
   * was, so a double click cannot close it.
   */
  function resolveForm(a, title) {
    const sel = el("select", { id: "outcome-" + a.id, name: "outcome", required: true }, el("option", { value: "" }, "Choose an outcome…"), OUTCOMES.map(([v, l]) => el("option", { value: v }, l)));
    const note = el("input", { type: "text", id: "note-" + a.id, name: "note", maxlength: 500 });
    const box = el("div", { class: "resolve" });
    const body = () => ({ outcome: sel.value, note: note.value.trim() || undefined });
    const form = el(
      "form",
      {
        class: "row",
        onsubmit: (ev) => {
          ev.preventDefault();
          if (!sel.value) {
            sel.focus();
            document.getElementById("board-msg").textContent = "Choose an outcome before resolving.";
            return;
          }
          if (!ALARMS.has(a.reason)) return act(a, "resolve", body());
          confirmStep(body());
        },
      },
      el("div", {}, el("label", { for: "outcome-" + a.id }, "Outcome"), sel),
      el("div", {}, el("label", { for: "note-" + a.id }, "Note (optional)"), note),
      el("div", {}, el("button", { type: "submit" }, "Resolve")),
    );
    function confirmStep(b) {
      const label = (OUTCOMES.find(([v]) => v === b.outcome) || [b.outcome, b.outcome])[1];
      const qid = "confirm-" + a.id;
      const no = el("button", { type: "button", class: "secondary", onclick: () => (form.hidden = false, panel.remove(), sel.focus()) }, "No, keep it open");
      const yes = el("button", { type: "button", class: "danger", disabled: true, onclick: () => act(a, "resolve", b) }, "Yes, close the " + title);
      const panel = el("div", { class: "notice bad confirm", role: "group", "aria-labelledby": qid }, el("p", { id: qid }, el("strong", {}, "Close this " + title + "?"), " Outcome: " + label + ". Only close it when you know the worker is safe."), el("div", { class: "actions" }, no, yes));
      form.hidden = true;
      box.append(panel);
      no.focus();
      // Not at once: a second click landing here by accident must not close the alarm.
      setTimeout(() => (yes.disabled = false), 800);
    }
    box.append(form);
    return box;
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
      const facts = [a.considerPolice ? 1 : 0, (a.lastSignOfLife && a.lastSignOfLife.at) || "", (a.lastKnownPosition && a.lastKnownPosition.at) || "", (a.worker && a.worker.mobile) || "", (a.reach || []).map((r) => r.staffId + r.channel + r.status + (r.at || "")).join(",")];
      const key = [a.id, a.drill ? "drill" : "", a.acknowledgedAt || "", a.step || 0, a.workerCheckedInAt || "", ns.length, ns.filter((n) => n.shownAt).length, names.size, ...facts].join("|");
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
    const unreachable = r.managersUnreachable || [];
    const ch = r.channels;
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
      el("h3", {}, "Managers nobody can reach (cover in the next 14 days, and the senior list)"),
      unreachable.length
        ? el("ul", { class: "plain unreachable" }, unreachable.map((m) => el("li", {}, el("span", { class: "tag bad" }, "UNREACHABLE"), " " + m.name + (m.nextShift ? " · next shift " + dayTime(m.nextShift) : "") + ": " + m.why + ".")))
        : el("p", {}, el("span", { class: "tag good" }, "OK"), " Every manager due on cover can be reached by push or text."),
      el("h3", {}, "Channels"),
      ch
        ? el("p", { class: "channels" }, "Push: on · Text messages: " + (ch.sms ? "on" : "off") + " · Email: " + (ch.email ? "on" : "off") + (ch.why ? ". " + ch.why : "."))
        : null,
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
    // Read the board again whenever the stream (re)opens: whatever changed before it was
    // live, or while it was down, sent no event we could hear.
    es.onopen = () => {
      status.textContent = "Live: updates appear as they happen.";
      soon();
    };
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
