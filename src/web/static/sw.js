// Dutyline service worker: shows alert notifications (and reports each one shown),
// opens the right page on a tap, keeps the push subscription alive, sends the
// offline outbox on Background Sync, and keeps the app's shell for when there is no signal.
/* global self, clients, importScripts, DutylineOutbox */
"use strict";
importScripts("/static/outbox.js");

const CACHE = "dutyline-shell-v1";
const SHELL = ["/static/app.css", "/static/common.js", "/static/outbox.js", "/static/visit.js", "/static/home.js", "/static/icon.svg", "/static/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first; the cached copy only when there is no signal. The API is never cached.
self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  const isPage = req.mode === "navigate" && (url.pathname === "/" || url.pathname.startsWith("/visits/"));
  if (!isPage && !url.pathname.startsWith("/static/")) return;
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(() => caches.match(req).then((hit) => hit || new Response("No signal, and this page was not saved on the phone.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } }))),
  );
});

self.addEventListener("push", (event) => {
  let p = {};
  try {
    p = event.data ? event.data.json() : {};
  } catch (_) {
    p = { title: "Dutyline", body: event.data ? event.data.text() : "" };
  }
  const tag = p.alertId ? "alert-" + p.alertId : p.visitId ? "visit-" + p.visitId : "dutyline";
  const shown = self.registration.showNotification(p.title || "Dutyline alert", {
    body: p.body || "",
    tag,
    renotify: true,
    requireInteraction: true,
    icon: "/static/icon-192.png",
    badge: "/static/icon-192.png",
    data: { url: p.url || "/", alertId: p.alertId, visitId: p.visitId, notificationId: p.notificationId },
  });
  // The receipt tells the ladder a person's device really showed it.
  const receipt = shown.then(() =>
    p.notificationId
      ? fetch("/api/push/receipts", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ notificationId: p.notificationId }),
        }).catch(() => undefined)
      : undefined,
  );
  event.waitUntil(receipt);
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return; // only our own pages
  event.waitUntil(
    clients.matchAll({ type: "window", includeUncontrolled: true }).then((wins) => {
      for (const w of wins) {
        if (new URL(w.url).pathname === target.pathname && "focus" in w) return w.focus();
      }
      return clients.openWindow(target.href);
    }),
  );
});

function b64urlToBytes(s) {
  const pad = "=".repeat((4 - (s.length % 4)) % 4);
  const raw = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(
    (async () => {
      const r = await fetch("/api/push/vapid-public-key", { credentials: "same-origin" });
      const { key } = await r.json();
      const sub = event.newSubscription || (await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(key) }));
      const json = sub.toJSON();
      await fetch("/api/push/subscriptions", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys }),
      });
    })(),
  );
});

self.addEventListener("sync", (event) => {
  if (event.tag === "dutyline-outbox") event.waitUntil(DutylineOutbox.flush());
});

self.addEventListener("message", (event) => {
  if (event.data === "flush-outbox") event.waitUntil(DutylineOutbox.flush());
});
