// Shared by every page: API calls, times, the offline banner, sign-out, the service worker, push.
(function () {
  "use strict";
  const tz = document.body.dataset.tz || "Europe/London";

  // A form re-shown with errors: take the reader to the summary (src/web/forms.tsx).
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  /** JSON API call; throws {status, problem} on an HTTP error and TypeError when there is no network. */
  async function api(method, path, body, headers) {
    const h = Object.assign({ Accept: "application/json" }, headers || {});
    if (body !== undefined) h["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
    if (res.status === 401 && !location.pathname.startsWith("/login")) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    }
    const type = res.headers.get("content-type") || "";
    const data = res.status === 204 ? null : type.includes("json") ? await res.json() : await res.text();
    if (!res.ok) {
      const err = new Error((data && (data.detail || data.title)) || "Request failed (" + res.status + ")");
      err.status = res.status;
      err.problem = data;
      throw err;
    }
    return data;
  }

  const timeFmt = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" });
  const dayFmt = new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short" });
  const dayYearFmt = new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short", year: "numeric" });
  const time = (iso) => (iso ? timeFmt.format(new Date(iso)) : "");
  // Dates more than ~5 months away carry their year, so a gap ending next year never reads as ending before it starts.
  const dayTime = (iso) => {
    if (!iso) return "";
    const d = new Date(iso);
    const far = Math.abs(d.getTime() - Date.now()) > 150 * 86400000;
    return (far ? dayYearFmt : dayFmt).format(d) + " " + timeFmt.format(d);
  };

  /** "12 min 05 s" / "1 h 04 min" — never colour alone: callers add "overdue" in words. */
  function duration(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (h > 0) return h + " h " + String(m).padStart(2, "0") + " min";
    return m + " min " + String(sec).padStart(2, "0") + " s";
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  // Offline banner: say plainly when there is no signal.
  function netBanner() {
    const n = document.getElementById("net");
    if (!n) return;
    if (navigator.onLine) {
      n.hidden = true;
      n.textContent = "";
    } else {
      n.hidden = false;
      n.textContent = "No signal. Check-ins and check-outs are saved on this phone and sent when the signal returns.";
    }
  }
  addEventListener("online", netBanner);
  addEventListener("offline", netBanner);
  netBanner();

  const out = document.getElementById("sign-out");
  if (out) {
    out.addEventListener("click", async () => {
      try {
        await api("POST", "/api/auth/logout");
        // The saved copies of pages are this person's: drop them (the outbox stays, so nothing waiting is lost).
        if (window.caches) for (const k of await caches.keys()) await caches.delete(k);
        localStorage.removeItem("dutyline.push");
      } finally {
        location.href = "/login";
      }
    });
  }

  // The service worker: push notifications and the offline page cache.
  const swReady =
    "serviceWorker" in navigator
      ? navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((e) => {
          console.warn("service worker not registered", e);
          return null;
        })
      : Promise.resolve(null);

  function b64urlToBytes(s) {
    const pad = "=".repeat((4 - (s.length % 4)) % 4);
    const raw = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  /** Ask permission, subscribe to push and register the subscription with the service. */
  async function enablePush() {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) throw new Error("This browser cannot receive alerts. Use Chrome, Edge, Firefox or Safari (added to the home screen).");
    const perm = await Notification.requestPermission();
    if (perm !== "granted") throw new Error("Notifications are blocked. Allow them in the browser's site settings, then try again.");
    await swReady;
    const reg = await navigator.serviceWorker.ready;
    const { key } = await api("GET", "/api/push/vapid-public-key");
    let sub = await reg.pushManager.getSubscription();
    if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(key) });
    const json = typeof sub.toJSON === "function" ? sub.toJSON() : sub;
    await api("POST", "/api/push/subscriptions", { endpoint: json.endpoint, keys: json.keys });
    localStorage.setItem("dutyline.push", "on");
    return true;
  }

  function wirePushButton() {
    const btn = document.getElementById("enable-push");
    const status = document.getElementById("push-status");
    if (!btn || !status) return;
    if (localStorage.getItem("dutyline.push") === "on" && window.Notification && Notification.permission === "granted") {
      status.textContent = "Alerts are on for this device.";
      btn.textContent = "Re-send alert settings";
    }
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      status.textContent = "Turning alerts on…";
      try {
        await enablePush();
        status.textContent = "Alerts are on for this device.";
      } catch (e) {
        status.textContent = e.message || "Could not turn alerts on.";
      } finally {
        btn.disabled = false;
      }
    });
  }
  wirePushButton();

  window.Dutyline = { api, time, dayTime, duration, el, uuid, tz, swReady, enablePush };
})();
