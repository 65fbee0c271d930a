// Why some statements in the stores are hand-written SQL: each one kept, timed beside
// drizzle's own prepared form of the same statement (`.prepare()` with placeholders,
// typed against the schema), on the same connection, in µs per call. Writes run inside
// one transaction rolled back at the end, so the figures are CPU, not fsync.
// Run: TZ=UTC npx tsx bench/prepared-forms.ts   Prints; asserts nothing.
import pino from "pino";
import { and, desc, eq, sql } from "drizzle-orm";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { FakeClock } from "../src/clock.js";
import { prepared } from "../src/db/prepared.js";
import { sessions } from "../src/auth/schema.js";
import { staff } from "../src/staff/schema.js";
import { visits, checkIns, idempotencyKeys } from "../src/lone-working/visits/schema.js";
import { auditLog } from "../src/audit/schema.js";

const N = 20_000;
const clock = new FakeClock("2026-11-24T12:00:00Z");
const deps = openDeps(loadConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }), { clock, log: pino({ level: "silent" }) });
const db = deps.db;
const c = db.$client;
const now = clock.now().getTime();

// One person, a session, a visit, some audit rows and keys to read.
c.prepare("INSERT INTO staff (id, name, email, roles, category, active, created_at) VALUES ('p1', 'Sam Field', 'sam@example.org', '[\"amhp\"]', 'social_worker', 1, ?)").run(now);
c.prepare("INSERT INTO sessions (id, staff_id, created_at, last_seen_at, expires_at) VALUES ('s1', 'p1', ?, ?, ?)").run(now, now, now + 86_400_000);
c.prepare(
  "INSERT INTO visits (id, staff_id, purpose, address, expected_end, status, started_at, next_check_in_due) VALUES ('v1', 'p1', 'home_visit', '1 High Street', ?, 'active', ?, ?)",
).run(now + 3_600_000, now, now + 1_800_000);
for (let i = 1; i <= 1000; i++) {
  c.prepare("INSERT INTO audit_log (seq, recorded_at, actor_type, actor_id, action, entity, entity_id, data, prev_hash, hash) VALUES (?, ?, 'system', 'bench', 'x', 'y', 'z', '{}', 'p', 'h')").run(i, now);
  c.prepare("INSERT INTO idempotency_keys (staff_id, key, request, status, body, created_at) VALUES ('p1', ?, 'r', 200, '{}', ?)").run(`k${i}`, now);
}

/** Best of three runs of N calls, µs per call. */
function time(fn: (i: number) => unknown): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    for (let i = 0; i < 2000; i++) fn(i); // warm
    const t0 = performance.now();
    for (let i = 0; i < N; i++) fn(i);
    best = Math.min(best, ((performance.now() - t0) * 1000) / N);
  }
  return best;
}

type Pair = { name: string; hand: (i: number) => unknown; drizzle: (i: number) => unknown };
const ph = (name: string) => sql.placeholder(name);
let seq = 100_000;

const pairs: Pair[] = [
  {
    name: "session lookup (sessions ⋈ staff, every request)",
    hand: (() => {
      const s = prepared(db, "SELECT s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt, p.id, p.name, p.email, p.roles, p.team_id AS teamId, p.category, p.active FROM sessions s JOIN staff p ON p.id = s.staff_id WHERE s.id = ?");
      return () => s.get("s1");
    })(),
    drizzle: (() => {
      const q = db
        .select({ lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, id: staff.id, name: staff.name, email: staff.email, roles: staff.roles, teamId: staff.teamId, category: staff.category, active: staff.active })
        .from(sessions)
        .innerJoin(staff, eq(staff.id, sessions.staffId))
        .where(eq(sessions.id, ph("id")))
        .prepare();
      return () => q.get({ id: "s1" });
    })(),
  },
  {
    name: "visit by id (check-in path)",
    hand: (() => {
      const s = prepared(db, "SELECT id, staff_id AS staffId, purpose, address, lat, lng, risk_notes AS riskNotes, patient_ref AS patientRef, check_in_every_minutes AS checkInEveryMinutes, expected_end AS expectedEnd, status, started_at AS startedAt, ended_at AS endedAt, next_check_in_due AS nextCheckInDue, overdue_alert_id AS overdueAlertId FROM visits WHERE id = ?");
      return () => {
        const r = s.get("v1") as { expectedEnd: number; startedAt: number; endedAt: number | null; nextCheckInDue: number };
        return { ...r, expectedEnd: new Date(r.expectedEnd), startedAt: new Date(r.startedAt), endedAt: r.endedAt === null ? null : new Date(r.endedAt), nextCheckInDue: new Date(r.nextCheckInDue) };
      };
    })(),
    drizzle: (() => {
      const q = db.select().from(visits).where(eq(visits.id, ph("id"))).prepare();
      return () => q.get({ id: "v1" });
    })(),
  },
  {
    name: "idempotency key read (every phone write)",
    hand: (() => {
      const s = prepared(db, "SELECT request, status, body FROM idempotency_keys WHERE staff_id = ? AND key = ?");
      return (i) => s.get("p1", `k${(i % 1000) + 1}`);
    })(),
    drizzle: (() => {
      const q = db
        .select({ request: idempotencyKeys.request, status: idempotencyKeys.status, body: idempotencyKeys.body })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.staffId, ph("staffId")), eq(idempotencyKeys.key, ph("key"))))
        .prepare();
      return (i) => q.get({ staffId: "p1", key: `k${(i % 1000) + 1}` });
    })(),
  },
  {
    name: "audit head (every write)",
    hand: (() => {
      const s = prepared(db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
      return () => s.get();
    })(),
    drizzle: (() => {
      const q = db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).prepare();
      return () => q.get();
    })(),
  },
  {
    name: "check-in row insert (ON CONFLICT DO NOTHING)",
    hand: (() => {
      const s = prepared(db, "INSERT INTO check_ins (id, visit_id, staff_id, kind, at, lat, lng, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
      return (i) => s.run(`h${i}-${seq++}`, "v1", "p1", "check_in", now + i, null, null, null);
    })(),
    drizzle: (() => {
      const q = db
        .insert(checkIns)
        .values({ id: ph("id"), visitId: ph("visitId"), staffId: ph("staffId"), kind: ph("kind"), at: ph("at"), lat: ph("lat"), lng: ph("lng"), note: ph("note") })
        .onConflictDoNothing()
        .prepare();
      return (i) => q.run({ id: `d${i}-${seq++}`, visitId: "v1", staffId: "p1", kind: "check_in", at: new Date(now + i), lat: null, lng: null, note: null });
    })(),
  },
  {
    name: "watch rearm (next due, overdue cleared)",
    hand: (() => {
      const s = prepared(db, "UPDATE visits SET next_check_in_due = ?, overdue_alert_id = NULL WHERE id = ?");
      return (i) => s.run(now + i, "v1");
    })(),
    drizzle: (() => {
      const q = db.update(visits).set({ nextCheckInDue: sql`${ph("next")}`, overdueAlertId: null }).where(eq(visits.id, ph("id"))).prepare();
      return (i) => q.run({ next: now + i, id: "v1" });
    })(),
  },
  {
    name: "audit row insert (every write)",
    hand: (() => {
      const s = prepared(db, "INSERT INTO audit_log (seq, recorded_at, actor_type, actor_id, action, entity, entity_id, data, prev_hash, via_token_id, via_made_by, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      return () => s.run(seq++, now, "system", "bench", "x", "y", "z", "{}", "p", null, null, "h");
    })(),
    drizzle: (() => {
      const q = db
        .insert(auditLog)
        .values({ seq: ph("seq"), recordedAt: ph("at"), actorType: ph("t"), actorId: ph("a"), action: ph("x"), entity: ph("e"), entityId: ph("i"), data: ph("d"), prevHash: ph("p"), viaTokenId: ph("v"), viaMadeBy: ph("m"), hash: ph("h") })
        .prepare();
      return () => q.run({ seq: seq++, at: new Date(now), t: "system", a: "bench", x: "x", e: "y", i: "z", d: "{}", p: "p", v: null, m: null, h: "h" });
    })(),
  },
];

c.exec("BEGIN");
console.log(`statement kept hand-written                          hand µs   drizzle µs   drizzle/hand   (best of 3 × ${N})`);
for (const p of pairs) {
  const hand = time(p.hand);
  const drz = time(p.drizzle);
  console.log(`${p.name.padEnd(52)} ${hand.toFixed(2).padStart(7)} ${drz.toFixed(2).padStart(12)} ${(drz / hand).toFixed(2).padStart(14)}`);
}
c.exec("ROLLBACK");
