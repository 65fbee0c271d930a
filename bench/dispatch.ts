// Dispatch lag: from a check-in's due time to the push request leaving, with 10,000
// active visits and 1,000 of them falling due in the same second, through the real
// escalation scheduler (timer + sweep), a file database (WAL, synchronous=FULL) and
// a local HTTPS push service in its own process. Also the sender alone (1,000
// sends to distinct subscriptions), and the per-message cost of encryption and of
// VAPID signing versus reusing a signed JWT. Then the same burst with GOV.UK Notify on
// (a local fake Notify over HTTP, the official client, the app's own pacing) and the duty
// manager told at once by text: due → first text request, the last text of the burst, the
// rate achieved and the largest count of requests the fake saw in any 60 s, beside the push
// figures of the same run. Prints figures; asserts nothing.
//
//   TZ=UTC npx tsx bench/dispatch.ts [--visits 10000] [--due 1000] [--managers 1]
//   (--only micro,engine,text,phases,sender; the text run sends due × managers texts)
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { eq } from "drizzle-orm";
import pino from "pino";
import webPush from "web-push";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { systemClock } from "../src/clock.js";
import type { Deps } from "../src/deps.js";
import { staff } from "../src/staff/schema.js";
import { visits } from "../src/lone-working/visits/schema.js";
import { pushSubscriptions } from "../src/lone-working/delivery/channels/push/schema.js";
import { createPushSender, type HttpPushSender } from "../src/lone-working/delivery/channels/push/sender.js";
import { loadOrCreateVapidKeys, signVapidJwt, vapidSigner } from "../src/lone-working/delivery/channels/push/vapid.js";
import { startScheduler } from "../src/lone-working/escalation/scheduler.js";
import { advanceDue, sweepMissed } from "../src/lone-working/escalation/pass.js";
import { sendQueued } from "../src/lone-working/delivery/index.js";
import { subscriptionKeys, readDeliveries, verifyVapidHeader } from "../tests/push/push-receiver.js";
import type { RecordedRequest } from "../tests/support/fake-notify.js";
import { startNotify } from "../src/lone-working/delivery/channels/notify/index.js";
import { notifyMessages } from "../src/lone-working/delivery/channels/notify/schema.js";
import { alerts } from "../src/lone-working/escalation/schema.js";
import { savePolicy } from "../src/lone-working/escalation/policy-store.js";
import { defaultPolicy, policyProblems } from "../src/lone-working/escalation/policy.js";
import { createPrivateKey } from "node:crypto";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const VISITS = arg("visits", 10_000);
const DUE = arg("due", 1_000);
/** Duty managers in the text run, each texted once per alert: the burst is DUE × MANAGERS texts. */
const MANAGERS = arg("managers", 1);
const ONLY = (() => {
  const i = process.argv.indexOf("--only");
  return i >= 0 ? process.argv[i + 1]!.split(",") : ["micro", "engine", "text", "phases", "sender"];
})();
/** The sender's defaults (client.ts), for the arithmetic printed beside the figures. */
const NOTIFY_PER_MINUTE = 2_700;
const NOTIFY_MAX_IN_FLIGHT = 20;
const NOTIFY_LIMIT = 3_000;
const wall = () => performance.timeOrigin + performance.now();

function pct(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
  return { n: s.length, p50: at(50), p99: at(99), max: s[s.length - 1] ?? NaN };
}
const fmt = (x: number) => x.toFixed(1).padStart(8);
const row = (label: string, xs: number[]) => {
  const p = pct(xs);
  console.log(`${label.padEnd(46)} n=${String(p.n).padStart(5)}  p50 ${fmt(p.p50)} ms  p99 ${fmt(p.p99)} ms  max ${fmt(p.max)} ms`);
};

/** The local HTTPS push service, in its own process (it decrypts and verifies every message). */
async function startReceiver(dir: string): Promise<{ proc: ChildProcess; port: number; ca: string; out: string }> {
  const out = join(dir, "deliveries.jsonl");
  const proc = spawn(process.execPath, ["--import", "tsx", "tests/push/push-receiver.ts", "--port", "0", "--out", out, "--cert-dir", join(dir, "cert"), "--raw"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: proc.stdout! });
  for await (const line of lines) {
    if (!line.startsWith("{")) continue;
    const ready = JSON.parse(line) as { port: number; caPath: string };
    return { proc, port: ready.port, ca: readFileSync(ready.caPath, "utf8"), out };
  }
  throw new Error("push receiver did not start");
}

/** The fake GOV.UK Notify in its own process (bench/fake-notify-process.ts); `dump` fetches what it recorded. */
interface NotifyProc {
  url: string;
  apiKey: string;
  smsTemplateId: string;
  dump(): Promise<{ requests: RecordedRequest[]; sent: { reference: string | null; at: number }[] }>;
  close(): void;
}
async function startNotifyProcess(): Promise<NotifyProc> {
  const proc = fork("bench/fake-notify-process.ts", [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<{ url: string; apiKey: string; smsTemplateId: string }>((resolve, reject) => {
    proc.once("message", (m) => resolve((m as { ready: { url: string; apiKey: string; smsTemplateId: string } }).ready));
    proc.once("exit", (code) => reject(new Error(`fake Notify exited ${code}`)));
  });
  return {
    ...ready,
    dump: () => new Promise((resolve) => {
      proc.once("message", (m) => resolve(m as Awaited<ReturnType<NotifyProc["dump"]>>));
      proc.send("dump");
    }),
    close: () => proc.disconnect(),
  };
}

function microCosts(): void {
  console.log("\n== Per-message cost (this machine) ==");
  const keys = webPush.generateVAPIDKeys();
  const sub = subscriptionKeys("micro");
  const body = JSON.stringify({ title: "Missed check-in: Test Worker", body: "Check-in was due at 14:00. Visit: 1 High Street.", url: "https://dutyline.example/alerts/x", alertId: crypto.randomUUID(), notificationId: crypto.randomUUID() });
  const time = (n: number, f: () => void) => {
    for (let i = 0; i < Math.min(200, n); i++) f(); // warm
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    return ((performance.now() - t) / n) * 1000; // µs
  };
  const enc = time(2000, () => webPush.encrypt(sub.p256dh, sub.auth, body, "aes128gcm"));
  const wpSign = time(2000, () => webPush.getVapidHeaders("https://fcm.googleapis.com", "mailto:a@example.org", keys.publicKey, keys.privateKey, "aes128gcm"));
  const pub = Buffer.from(keys.publicKey, "base64url");
  const key = createPrivateKey({ format: "jwk", key: { kty: "EC", crv: "P-256", d: keys.privateKey, x: pub.subarray(1, 33).toString("base64url"), y: pub.subarray(33).toString("base64url") } });
  const ownSign = time(2000, () => signVapidJwt(key, "https://fcm.googleapis.com", "mailto:a@example.org", 2_000_000_000));
  const signer = vapidSigner({ ...keys, subject: "mailto:a@example.org" }, () => new Date());
  const reuse = time(200_000, () => signer.authorization("https://fcm.googleapis.com"));
  console.log(`aes128gcm encryption (web-push encrypt)          ${enc.toFixed(1).padStart(7)} µs/message`);
  console.log(`VAPID JWT signed per request (web-push)           ${wpSign.toFixed(1).padStart(7)} µs/message`);
  console.log(`VAPID JWT signed per request (node:crypto)        ${ownSign.toFixed(1).padStart(7)} µs/message`);
  console.log(`VAPID JWT reused per origin (what the sender does) ${reuse.toFixed(2).padStart(6)} µs/message (signed ${signer.signed}x)`);
}

function benchDeps(dir: string, name: string, port: number, env: Record<string, string> = {}): Deps {
  const config = loadConfig({ DATABASE_PATH: join(dir, `${name}.db`), LOG_LEVEL: "silent", PUSH_ALLOWED_HOSTS: `127.0.0.1:${port}`, PUBLIC_URL: "https://dutyline.example", ...env });
  return openDeps(config, { clock: systemClock, log: pino({ level: process.env.BENCH_LOG ?? "silent" }) });
}

/** n people; the first `subscribed` of them with a device at the receiver. */
function seedPeople(deps: Deps, n: number, subscribed: number, port: number, tag: string): string[] {
  const now = new Date(wall());
  const ids: string[] = [];
  deps.db.transaction((tx) => {
    for (let i = 0; i < n; i++) {
      const id = crypto.randomUUID();
      ids.push(id);
      tx.insert(staff).values({ id, name: `Worker ${i}`, email: `w${i}-${tag}@bench.example`, roles: ["amhp"], createdAt: now }).run();
      if (i < subscribed) {
        const name = `${tag}-${i}`;
        const k = subscriptionKeys(name);
        tx.insert(pushSubscriptions).values({ staffId: id, endpoint: `https://127.0.0.1:${port}/push/${name}`, p256dh: k.p256dh, auth: k.auth, createdAt: now, updatedAt: now }).run();
      }
    }
  });
  return ids;
}

async function senderAlone(dir: string, rx: { port: number; ca: string }): Promise<void> {
  console.log(`\n== Sender alone: ${DUE} sends to distinct subscriptions at once ==`);
  const deps = benchDeps(dir, "sender", rx.port);
  const ids = seedPeople(deps, DUE, DUE, rx.port, "solo");
  let leave: number[] = [];
  let t0 = 0;
  const sender = createPushSender(deps, { keys: loadOrCreateVapidKeys(deps), ca: rx.ca, onRequest: (i) => leave.push(i.at - t0) });
  for (const round of ["cold, all at once", "warm, all at once", "warm, spread over 1 s"]) {
    leave = [];
    const done: number[] = [];
    const spread = round.includes("spread");
    t0 = wall();
    const outs = await Promise.all(ids.map(async (id, i) => {
      const offset = spread ? Math.floor((i / ids.length) * 1000) : 0;
      if (spread) await new Promise((r) => setTimeout(r, t0 + offset - wall()));
      const start = spread ? wall() : t0;
      const o = await sender.sendToStaff(id, { title: "Check in now", body: "bench", url: "/", tag: "bench" });
      done.push(wall() - start);
      return o;
    }));
    const accepted = outs.reduce((a, o) => a + o.accepted, 0);
    if (spread) {
      // leave times are relative to t0; each message's own start is its offset
      row(`${round}: own start → 201 received`, done);
    } else {
      row(`${round}: start → request leaves`, leave);
      row(`${round}: start → 201 received`, done);
    }
    console.log(`${"".padEnd(46)} accepted ${accepted}/${ids.length}; JWTs signed: ${sender.signer.signed}`);
  }
  sender.close();
  deps.db.$client.close();
}

/**
 * The burst through the real scheduler. With `managers` > 0, GOV.UK Notify is on (the app's
 * configuration pointed at a local fake Notify) and the duty manager step fires at 0 s: each
 * alert pushes to its worker and texts each duty manager (they have mobiles and no push
 * subscription, so escalation queues the text at once), and the text figures follow the push ones.
 */
async function engineRun(dir: string, rx: { port: number; ca: string; out: string }, managers = 0): Promise<void> {
  const withText = managers > 0;
  console.log(withText
    ? `\n== Escalation engine with text: ${VISITS} active visits, ${DUE} due in the same second, ${managers} duty manager(s) texted per alert (${DUE * managers} texts) ==`
    : `\n== Escalation engine: ${VISITS} active visits, ${DUE} due in the same second ==`);
  const notify: NotifyProc | undefined = withText ? await startNotifyProcess() : undefined;
  const tag = withText ? "txt" : "eng";
  const deps = benchDeps(dir, withText ? "text" : "engine", rx.port, notify ? { NOTIFY_API_KEY: notify.apiKey, NOTIFY_SMS_TEMPLATE_ID: notify.smsTemplateId, NOTIFY_BASE_URL: notify.url } : {});
  const ids = seedPeople(deps, VISITS, DUE, rx.port, tag);
  // Duty managers with a mobile and no push subscription, written as PATCH /api/me would leave them.
  const managerIds = Array.from({ length: managers }, () => crypto.randomUUID());
  if (withText) {
    const now = new Date(wall());
    const policy = defaultPolicy();
    policy.steps[1] = { ...policy.steps[1]!, afterSeconds: 0 }; // the duty manager at once, by push and text (the default channels)
    // The bench's pushes are never shown (no receipts): without this the ladder would move on
    // early after 60 s and text the manager again for step 2, mixing a second burst into the first.
    policy.receiptTimeoutSeconds = 3600;
    const problems = policyProblems(policy);
    if (problems.length) throw new Error(`bench policy: ${JSON.stringify(problems)}`);
    deps.db.transaction((tx) => {
      managerIds.forEach((id, i) => tx.insert(staff).values({ id, name: `Manager ${i}`, email: `m${i}-${tag}@bench.example`, roles: ["manager"], mobile: `+447700${900000 + i}`, createdAt: now }).run());
      savePolicy(tx, policy, now);
    });
  }
  const dueAt = new Date(Math.ceil(wall() / 1000) * 1000 + 4000); // a whole second, a few seconds ahead
  const later = new Date(dueAt.getTime() + 3600_000);
  const started = new Date(dueAt.getTime() - 30 * 60_000);
  deps.db.transaction((tx) => {
    ids.forEach((staffId, i) => {
      // The due ones spread across that one second; the rest are due in an hour.
      const due = i < DUE ? new Date(dueAt.getTime() + Math.floor((i / DUE) * 1000)) : later;
      tx.insert(visits).values({ staffId, purpose: "mha_assessment", address: `${i} Bench Road`, expectedEnd: new Date(later.getTime() + 3600_000), status: "active", startedAt: started, nextCheckInDue: due, checkInEveryMinutes: 60 }).run();
    });
  });
  const dueOf = new Map(ids.slice(0, DUE).map((id, i) => [id, dueAt.getTime() + Math.floor((i / DUE) * 1000)]));
  const lag: number[] = [];
  const lagByDue = new Map<string, number>();
  const seen = new Set<string>();
  let firstSendCall = Infinity;
  let resolveAll: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const sender = createPushSender(deps, {
    keys: loadOrCreateVapidKeys(deps),
    ca: rx.ca,
    onRequest: ({ staffId, attempt, at }) => {
      if (attempt !== 1 || seen.has(staffId)) return;
      seen.add(staffId);
      lag.push(at - dueOf.get(staffId)!);
      lagByDue.set(staffId, at - dueOf.get(staffId)!);
      if (seen.size === DUE) resolveAll();
    },
  });
  deps.push = {
    sendToStaff(staffId, payload, opts) {
      firstSendCall = Math.min(firstSendCall, wall());
      return sender.sendToStaff(staffId, payload, opts);
    },
  };
  // Texts: each first request as the sender starts it (its reference is the notify_messages row).
  const texts = new Map<string, number>();
  let textRetries = 0;
  const textsWanted = DUE * managers;
  let resolveTexts: () => void = () => {};
  const allTexts = new Promise<void>((r) => (resolveTexts = r));
  if (textsWanted === 0) resolveTexts();
  const stopNotify = withText
    ? startNotify(deps, {
        onRequest: ({ reference, attempt, at }) => {
          if (attempt !== 1) return void textRetries++;
          if (!texts.has(reference)) texts.set(reference, at);
          if (texts.size === textsWanted) resolveTexts();
        },
      })
    : () => {};
  const before = readDeliveries(rx.out).length;
  const scheduler = startScheduler(deps, withText ? { onDutyAt: () => ({ managers: managerIds.map((id, i) => ({ id, name: `Manager ${i}` })) }) } : {});
  const timeout = setTimeout(() => resolveAll(), 120_000);
  // Pacing: a burst past the per-minute figure waits a whole window for each further lot.
  const textTimeout = setTimeout(() => resolveTexts(), 60_000 + Math.ceil(textsWanted / NOTIFY_PER_MINUTE) * 60_000);
  await all;
  clearTimeout(timeout);
  await allTexts;
  clearTimeout(textTimeout);
  await scheduler.idle();
  scheduler.stop();
  await scheduler.idle();
  row("due time → push request leaves", lag);
  // By due order: a lag that grows through the second is throughput; a flat one is a fixed delay.
  const ordered = ids.slice(0, DUE).map((id) => lagByDue.get(id)).filter((x): x is number => x !== undefined);
  const tenth = Math.max(1, Math.floor(ordered.length / 10));
  console.log(`p50 lag per tenth of the second (due order): ${Array.from({ length: 10 }, (_, k) => pct(ordered.slice(k * tenth, (k + 1) * tenth)).p50.toFixed(0)).join(" ")} ms`);
  const last = dueAt.getTime() + 999;
  console.log(`first sendToStaff call ${(firstSendCall - dueAt.getTime()).toFixed(0)} ms after the first due time; last due time is +999 ms`);
  await new Promise((r) => setTimeout(r, 500));
  const delivered = readDeliveries(rx.out).slice(before).filter((d) => d.path.includes(`/push/${tag}-`));
  let bad = delivered.filter((d) => d.error || d.urgency !== "high" || !d.payload?.alertId).length;
  for (const d of delivered.slice(0, 50)) await verifyVapidHeader(d.authorization, `https://127.0.0.1:${rx.port}`, loadOrCreateVapidKeys(deps).publicKey).catch(() => bad++);
  if (withText) console.log(`push: ${delivered.length - DUE} received more than once (sends cut off by delivery's time limit and sent again)`);
  console.log(`received at the push service: ${delivered.length} (decrypted, Urgency high, VAPID verified on 50: ${bad} bad); sent ${seen.size}/${DUE}; JWTs signed: ${sender.signer.signed}`);
  if (notify) {
    textFigures(deps, await notify.dump(), texts, textsWanted, textRetries, dueAt.getTime());
    stopNotify();
    notify.close();
  }
  sender.close();
  deps.db.$client.close();
}

/** The text side of the run: lags from each alert's due time, the burst's length and rate, and the fake's 60 s windows. */
function textFigures(deps: Deps, notify: Awaited<ReturnType<NotifyProc["dump"]>>, texts: Map<string, number>, wanted: number, retries: number, firstDue: number): void {
  // Each text's alert and that alert's due time (an alert's baseAt is the missed check-in's due time).
  const rows = deps.db.select({ id: notifyMessages.id, alertId: notifyMessages.alertId, status: notifyMessages.status, dueAt: alerts.baseAt }).from(notifyMessages).innerJoin(alerts, eq(notifyMessages.alertId, alerts.id)).all();
  const byRef = new Map(rows.map((r) => [r.id, r]));
  const lag: number[] = [];
  const firstByAlert = new Map<string, number>();
  for (const [ref, at] of texts) {
    const r = byRef.get(ref);
    if (!r) continue;
    const l = at - r.dueAt.getTime();
    lag.push(l);
    firstByAlert.set(r.alertId!, Math.min(firstByAlert.get(r.alertId!) ?? Infinity, l));
  }
  row("due time → text request leaves (over texts)", lag);
  if (firstByAlert.size !== lag.length) row("due time → first text request (over alerts)", [...firstByAlert.values()]);
  const starts = [...texts.values()].sort((a, b) => a - b);
  const n = starts.length;
  const first = starts[0] ?? NaN;
  const last = starts[n - 1] ?? NaN;
  const rate = n > 1 ? ((n - 1) / (last - first)) * 1000 : NaN;
  console.log(`texts: first request +${(first - firstDue).toFixed(0)} ms, last +${((last - firstDue) / 1000).toFixed(1)} s after the first due time; ${n}/${wanted} sent in ${((last - first) / 1000).toFixed(1)} s: ${rate.toFixed(0)} texts/s (first → last request); retries ${retries}`);
  const settled = rows.filter((r) => r.status === "sent").length;
  const accepted = notify.requests.filter((r) => r.status === 201).length;
  const twice = notify.sent.length - new Set(notify.sent.map((m) => m.reference)).size;
  console.log(`at the fake Notify: ${notify.requests.length} requests, ${accepted} answered 201, ${notify.sent.length} accepted (${twice} a second time: a retry after a request the fake had taken); notify_messages sent ${settled}/${rows.length}`);
  // Every 60 s window at the fake (sliding, by arrival): never more than Notify's limit.
  const arrivals = notify.requests.map((r) => r.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < arrivals.length; i++) {
    while (arrivals[i]! - arrivals[j]! >= 60_000) j++;
    most = Math.max(most, i - j + 1);
  }
  console.log(`most requests in any 60 s at the fake: ${most} (Notify's limit ${NOTIFY_LIMIT}, the sender's ${NOTIFY_PER_MINUTE}): ${most <= NOTIFY_LIMIT ? "within the limit" : "OVER THE LIMIT"}`);
  // The arithmetic: 2,700 a minute is 45/s sustained, but the window slides: the first 2,700
  // of a burst may all start at once (only the in-flight cap spaces them), and each further
  // 2,700 waits for the window to move on by 60 s.
  const lots = Math.ceil(wanted / NOTIFY_PER_MINUTE);
  const perFlight = n > 1 && lots === 1 ? (last - first) / ((n - 1) / NOTIFY_MAX_IN_FLIGHT) : NaN;
  console.log(`rate limit: ${NOTIFY_PER_MINUTE}/min = ${NOTIFY_PER_MINUTE / 60}/s sustained, so ${wanted} texts evenly spaced would take ${(wanted / (NOTIFY_PER_MINUTE / 60)).toFixed(1)} s; ` +
    `the sliding window lets the first ${NOTIFY_PER_MINUTE} of a burst start at once (${NOTIFY_MAX_IN_FLIGHT} in flight), later lots wait 60 s each (this burst: ${lots} lot(s), the last leaves after ≥ ${((lots - 1) * 60).toFixed(0)} s + transfer)`);
  console.log(`so ${wanted} texts at once: the first left ${(first - firstDue).toFixed(0)} ms after the first due time, the last after ${((last - firstDue) / 1000).toFixed(1)} s` +
    (Number.isFinite(perFlight) ? `; ${NOTIFY_MAX_IN_FLIGHT} in flight took ${perFlight.toFixed(1)} ms a round here (at Notify's round trip of 100-300 ms the first lot would take ${((Math.min(wanted, NOTIFY_PER_MINUTE) * 0.1) / NOTIFY_MAX_IN_FLIGHT).toFixed(0)}-${((Math.min(wanted, NOTIFY_PER_MINUTE) * 0.3) / NOTIFY_MAX_IN_FLIGHT).toFixed(0)} s)` : ""));
}

/** Where the engine's time goes: the same burst, each phase called and timed by hand. */
async function enginePhases(dir: string, rx: { port: number; ca: string }): Promise<void> {
  console.log(`\n== Engine phases, same burst (${DUE} overdue of ${VISITS}), called one by one ==`);
  const deps = benchDeps(dir, "phases", rx.port);
  const ids = seedPeople(deps, VISITS, DUE, rx.port, "ph");
  const now = new Date(wall());
  deps.db.transaction((tx) => {
    ids.forEach((staffId, i) => {
      const due = new Date(now.getTime() + (i < DUE ? -1000 : 3600_000));
      tx.insert(visits).values({ staffId, purpose: "mha_assessment", address: `${i} Bench Road`, expectedEnd: new Date(now.getTime() + 7200_000), status: "active", startedAt: new Date(now.getTime() - 1800_000), nextCheckInDue: due, checkInEveryMinutes: 60 }).run();
    });
  });
  const sender = createPushSender(deps, { keys: loadOrCreateVapidKeys(deps), ca: rx.ca });
  deps.push = sender;
  const t = (label: string, ms: number, n: number) => console.log(`${label.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms  (${(ms / Math.max(1, n)).toFixed(2)} ms each, n=${n})`);
  let t0 = wall();
  const raised = (await sweepMissed(deps, new Date(wall()))).length;
  t("sweepMissed: raise alerts", wall() - t0, raised);
  t0 = wall();
  const queued = await advanceDue(deps, new Date(wall()));
  t("advanceDue: fire step 0, queue notifications", wall() - t0, queued);
  t0 = wall();
  const sent = await sendQueued(deps);
  t("sendQueued: claim, push, record (awaits 201s)", wall() - t0, sent);
  sender.close();
  deps.db.$client.close();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "dutyline-push-dispatch-"));
  const rx = await startReceiver(dir);
  try {
    console.log(`Dispatch bench — Node ${process.version}, ${new Date(wall()).toISOString()}`);
    if (ONLY.includes("micro")) microCosts();
    if (ONLY.includes("engine")) await engineRun(dir, rx);
    if (ONLY.includes("text") && MANAGERS > 0) await engineRun(dir, rx, MANAGERS);
    if (ONLY.includes("phases")) await enginePhases(dir, rx);
    if (ONLY.includes("sender")) await senderAlone(dir, rx);
  } finally {
    rx.proc.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0); // the readline on the receiver's stdout would otherwise keep us alive
