// The offline outbox: check-ins, check-outs and alarms made without signal are kept in
// IndexedDB with a client-made id, and sent later with that id as the Idempotency-Key,
// so a retry (or two tabs flushing at once) never writes anything twice.
// Loaded by the visit page and by the service worker (for Background Sync).
(function (g) {
  "use strict";
  const DB = "dutyline";
  const STORE = "outbox";

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function tx(mode, fn) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const store = t.objectStore(STORE);
      let result;
      Promise.resolve(fn(store)).then((r) => (result = r));
      t.oncomplete = () => {
        db.close();
        resolve(result);
      };
      t.onerror = () => reject(t.error);
    });
  }

  const req2p = (r) => new Promise((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));

  /** Every entry, oldest first. */
  async function list() {
    const all = await tx("readonly", (s) => req2p(s.getAll()));
    return (all || []).sort((a, b) => a.madeAt.localeCompare(b.madeAt));
  }

  /** Queue an action: { kind: "check-in"|"check-out"|"alarm", visitId, body }. */
  async function add(entry) {
    const e = Object.assign({ id: (g.crypto.randomUUID ? g.crypto.randomUUID() : String(Date.now()) + Math.random()), madeAt: new Date().toISOString(), tries: 0 }, entry);
    await tx("readwrite", (s) => req2p(s.put(e)));
    notify();
    return e;
  }

  const remove = (id) => tx("readwrite", (s) => req2p(s.delete(id)));
  const put = (e) => tx("readwrite", (s) => req2p(s.put(e)));

  const listeners = new Set();
  function notify(info) {
    for (const fn of listeners) {
      try {
        fn(info);
      } catch (_) {}
    }
  }

  let flushing = null;
  /**
   * Send what is waiting, oldest first. A network failure or a 5xx keeps the entry and
   * stops (try again later); any other answer is final, so the entry leaves the outbox.
   */
  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      const results = [];
      for (const e of await list()) {
        let res;
        try {
          // The body is fixed at the first try and every retry sends it unchanged: the server
          // refuses an Idempotency-Key sent again with a different body.
          if (!e.sent) {
            const body = Object.assign({}, e.body || {});
            if (e.kind === "check-in") {
              // The server counts the sign of life from when it was made (clamped to the
              // visit and its own clock), not from when a retry got through.
              body.madeAt = e.madeAt;
              // Say so, if it could not be sent at the time.
              if (Date.now() - Date.parse(e.madeAt) > 30000) body.note = ((body.note ? body.note + " " : "") + "(made offline at " + e.madeAt + ")").slice(0, 500);
            }
            e.sent = body;
            await put(e);
          }
          const body = e.sent;
          res = await fetch("/api/visits/" + encodeURIComponent(e.visitId) + "/" + e.kind, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": e.id },
            body: JSON.stringify(body),
          });
        } catch (_) {
          e.tries++;
          await put(e);
          break; // still no signal
        }
        if (res.status >= 500 || res.status === 429 || res.status === 401) {
          e.tries++;
          e.lastStatus = res.status;
          await put(e);
          break;
        }
        let data = null;
        try {
          data = await res.json();
        } catch (_) {}
        await remove(e.id);
        results.push({ entry: e, ok: res.ok, status: res.status, data });
      }
      return results;
    })().finally(() => {
      flushing = null;
    });
    return flushing.then((r) => {
      if (r.length) notify({ sent: r });
      return r;
    });
  }

  g.DutylineOutbox = { add, list, flush, remove, onChange: (fn) => listeners.add(fn) };
})(typeof self !== "undefined" ? self : window);
