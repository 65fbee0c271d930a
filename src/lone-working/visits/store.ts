// The visits capability's tables: visits (all but the watch columns, which only
// watch/store.ts writes), check_ins, duress_pins and idempotency_keys. One async use case
// per write, one transaction each, with its audit row and, when a phone sent one, its
// Idempotency-Key. Risk notes are never written to logs or the audit chain.
//
// The check-in hot path (bench/checkin.ts) runs on statements prepared once per connection
// (drizzle rebuilding and SQLite recompiling them per request was most of a check-in's CPU),
// and concurrent check-ins share one commit (group commit, below): both SQLite details
// that stay inside this file.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import { perConnection, storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { inCurrentVia } from "../../audit/via.js";
import { Conflict } from "../../errors.js";
import { staff } from "../../staff/schema.js";
import { raiseAlert, signOfLife, insertAlertRecord } from "../escalation/store.js";
import type { alerts } from "../escalation/schema.js";
import { nextDue, vouchedAt } from "../watch/due.js";
import { armNew, clear, rearm } from "../watch/store.js";
import { checkIns, duressPins, visits, type CheckInKind, type VisitPurpose, type VisitStatus } from "./schema.js";
import { replayOf, requestOf, type IdemKey, type Stored } from "./idempotency.js";
import { activeOwnVisit } from "./rules.js";

export type VisitRow = typeof visits.$inferSelect;
export type CheckInRow = typeof checkIns.$inferSelect;

// ---------------------------------------------------------------------------------------
// Statements of the check-in path (same rows and encodings as drizzle's: instants in ms).

// The visit read is drizzle's prepared form (as fast as the hand-written one it replaced,
// bench/prepared-forms.ts); the key read, the check-in insert and the re-arm stay hand-written
// SQL there measured 1.4-1.8x faster than drizzle's prepared form.
const visitByIdQuery = perConnection((h) => (h as Db).select().from(visits).where(eq(visits.id, sql.placeholder("id"))).prepare());

function visitById(tx: Tx | Db, id: string): VisitRow | undefined {
  return visitByIdQuery(tx).get({ id });
}

function checkInOwner(tx: Tx, id: string): { visitId: string; staffId: string } | undefined {
  return prepared(tx, "SELECT visit_id AS visitId, staff_id AS staffId FROM check_ins WHERE id = ?").get(id) as { visitId: string; staffId: string } | undefined;
}

interface NewCheckIn {
  id: string;
  visitId: string;
  staffId: string;
  kind: CheckInKind;
  at: Date;
  lat: number | null;
  lng: number | null;
  note: string | null;
}

/** Insert unless a check-in with this id exists; true when it was inserted. */
function insertCheckIn(tx: Tx, c: NewCheckIn): boolean {
  const res = prepared(tx, "INSERT INTO check_ins (id, visit_id, staff_id, kind, at, lat, lng, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING").run(
    c.id,
    c.visitId,
    c.staffId,
    c.kind,
    c.at.getTime(),
    c.lat,
    c.lng,
    c.note,
  );
  return res.changes === 1;
}

function recordCheckIn(tx: Tx, v: VisitRow, kind: CheckInKind, at: Date, input: SignOfLife, id?: string): boolean {
  return insertCheckIn(tx, { id: id ?? crypto.randomUUID(), visitId: v.id, staffId: v.staffId, kind, at, lat: input.lat ?? null, lng: input.lng ?? null, note: input.note ?? null });
}

/** A sign of life resets the missed-check-in state (see escalation/store signOfLife). */
function lifeSigned(tx: Tx, v: VisitRow, now: Date, actor: Actor) {
  if (v.overdueAlertId) signOfLife(tx, v.overdueAlertId, now, actor);
}

// ---------------------------------------------------------------------------------------
// Idempotency-Key: the key is stored in the same transaction as the effect.

function once<T>(tx: Tx, staffId: string, key: IdemKey | undefined, route: string, now: Date, fn: () => { status: number; body: T }): Stored<T> {
  if (key) {
    // On every phone write (check-ins above all): prepared once per connection.
    const prior = prepared(tx, "SELECT request, status, body FROM idempotency_keys WHERE staff_id = ? AND key = ?").get(staffId, key.key) as
      | { request: string; status: number; body: string }
      | undefined;
    if (prior) return replayOf<T>(prior, route, key);
  }
  const result = fn();
  if (key) {
    prepared(tx, "INSERT INTO idempotency_keys (staff_id, key, request, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
      staffId,
      key.key,
      requestOf(route, key),
      result.status,
      JSON.stringify(result.body),
      now.getTime(),
    );
  }
  return { ...result, replayed: false };
}

// ---------------------------------------------------------------------------------------
// Group commit: the check-ins waiting at one moment share one IMMEDIATE transaction,
// so one fsync makes them all durable. Each runs in its own savepoint, so one that
// fails (409, 404) rolls back alone; every caller is answered only after the commit.

interface Job {
  fn: (tx: Tx) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const queues = new WeakMap<Db, Job[]>();

function groupTx<T>(db: Db, fn: (tx: Tx) => T): Promise<T> {
  let q = queues.get(db);
  if (!q) {
    q = [];
    queues.set(db, q);
  }
  const queue = q;
  return new Promise<T>((resolve, reject) => {
    // Each job runs in its own request's token scope (the flush runs in the first one's
    // context), so the API token a write is made with stays its own.
    queue.push({ fn: inCurrentVia(fn), resolve: resolve as (v: unknown) => void, reject });
    if (queue.length === 1) setImmediate(() => flush(db, queue));
  });
}

function flush(db: Db, queue: Job[]): void {
  const jobs = queue.splice(0);
  const results: ({ ok: true; v: unknown } | { ok: false; e: unknown })[] = [];
  // Savepoint statements prepared once (drizzle's nested transaction builds them per call).
  const savepoint = prepared(db, "SAVEPOINT group_job");
  const rollbackTo = prepared(db, "ROLLBACK TO group_job");
  const release = prepared(db, "RELEASE group_job");
  try {
    writeTx(db, (tx) => {
      for (const j of jobs) {
        savepoint.run();
        let r: (typeof results)[number];
        try {
          r = { ok: true, v: j.fn(tx) };
        } catch (e) {
          // If even this fails the transaction is unusable: it escapes, and every job is refused.
          rollbackTo.run();
          r = { ok: false, e };
        }
        release.run();
        results.push(r);
      }
    });
  } catch (e) {
    for (const j of jobs) j.reject(e);
    return;
  }
  jobs.forEach((j, i) => {
    const r = results[i]!;
    if (r.ok) j.resolve(r.v);
    else j.reject(r.e);
  });
}

// ---------------------------------------------------------------------------------------
// Use cases.

export interface NewVisitValues {
  purpose: VisitPurpose;
  address: string;
  lat: number | null;
  lng: number | null;
  riskNotes: string | null;
  patientRef: string | null;
  checkInEveryMinutes: number | null;
  expectedEnd: Date;
}

export interface SignOfLife {
  id?: string;
  lat?: number;
  lng?: number;
  note?: string;
  /** When an offline phone made it; the sign of life counts from then, not from arrival. */
  madeAt?: string;
}

export type Started = { id: string; status: "active"; nextCheckInDue: string };

/** A finished visit for demo data: its check-ins and, optionally, the alert that was handled. */
export interface DemoVisit {
  visit: NewVisitValues & { staffId: string; status: VisitStatus; startedAt: Date; endedAt: Date | null; nextCheckInDue: Date };
  checkIns: { kind: CheckInKind; at: Date }[];
  alert?: (visitId: string) => typeof alerts.$inferInsert;
}

export interface VisitsStore {
  start(actor: Actor & { type: "staff" }, input: NewVisitValues, key: IdemKey | undefined, now: Date): Promise<Stored<Started>>;
  /** `hadOverdue`: the check-in ended a missed-check-in state (the scheduler watches the visit again). */
  checkIn(actor: Actor & { type: "staff" }, visitId: string, input: SignOfLife, key: IdemKey | undefined, now: Date): Promise<{ result: Stored<{ nextCheckInDue: string }>; hadOverdue: boolean }>;
  extend(actor: Actor & { type: "staff" }, visitId: string, expectedEnd: Date, now: Date): Promise<{ id: string; status: VisitStatus; expectedEnd: string; nextCheckInDue: string }>;
  /** With `duress`, the check-out also raises a silent duress alarm. */
  checkOut(actor: Actor & { type: "staff" }, visitId: string, duress: boolean, key: IdemKey | undefined, now: Date): Promise<Stored<{ status: "completed" }>>;
  panic(actor: Actor & { type: "staff" }, visitId: string, key: IdemKey | undefined, now: Date): Promise<Stored<{ alertId: string }>>;
  duressPinHash(staffId: string): Promise<string | undefined>;
  setDuressPin(staffId: string, pinHash: string, now: Date): Promise<void>;
  /** Newest first, at most 500; `staffId` narrows to one person's. */
  list(filter: { status?: VisitStatus; staffId?: string }): Promise<{ v: VisitRow; name: string }[]>;
  withName(id: string): Promise<{ v: VisitRow; name: string } | undefined>;
  checkInsOf(visitId: string): Promise<CheckInRow[]>;
  seedDemo(actor: Actor, visit: DemoVisit, now: Date): Promise<void>;
}

export const visitsStore = storeFor<VisitsStore>((db) => ({
  async start(actor, input, key, now) {
    return writeTx(db, (tx) =>
      once(tx, actor.id, key, "POST /api/visits", now, () => {
        const v = armNew(tx, { ...input, staffId: actor.id, status: "active", startedAt: now }, nextDue(now, input.expectedEnd, input.checkInEveryMinutes));
        tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: actor.id, kind: "start", at: now, lat: v.lat, lng: v.lng }).run();
        // The audit row records that risk notes exist, never what they say.
        appendAudit(tx, actor, { action: "start", entity: "visit", entityId: v.id, data: { purpose: v.purpose, expectedEnd: input.expectedEnd, checkInEveryMinutes: v.checkInEveryMinutes, hasRiskNotes: Boolean(v.riskNotes), patientRef: v.patientRef } }, now);
        return { status: 201, body: { id: v.id, status: "active" as const, nextCheckInDue: v.nextCheckInDue.toISOString() } };
      }),
    );
  },

  async checkIn(actor, id, input, key, now) {
    let hadOverdue = false;
    // The hot path of a busy duty evening: concurrent check-ins share one commit.
    const result = await groupTx(db, (tx) =>
      once(tx, actor.id, key, `POST /api/visits/${id}/check-in`, now, () => {
        const v = activeOwnVisit(visitById(tx, id), actor.id, "check in");
        // The phone's own id: a check-in already stored under it for this visit is a retry;
        // the same id on anyone else's visit is a clash, never a silent "you checked in".
        const existing = input.id ? checkInOwner(tx, input.id) : undefined;
        if (existing) {
          if (existing.visitId !== v.id) throw new Conflict("That check-in id is already used; send a new one.");
          return { status: 200, body: { nextCheckInDue: v.nextCheckInDue.toISOString() } };
        }
        const at = vouchedAt(input.madeAt, v.startedAt, now);
        const next = nextDue(at, v.expectedEnd, v.checkInEveryMinutes);
        recordCheckIn(tx, v, "check_in", at, input, input.id);
        lifeSigned(tx, v, now, actor);
        hadOverdue = v.overdueAlertId !== null;
        rearm(tx, v.id, next);
        appendAudit(tx, actor, { action: "check_in", entity: "visit", entityId: v.id, data: { nextCheckInDue: next } }, now);
        return { status: 200, body: { nextCheckInDue: next.toISOString() } };
      }),
    );
    return { result, hadOverdue };
  },

  async extend(actor, id, expectedEnd, now) {
    return writeTx(db, (tx) => {
      const v = activeOwnVisit(visitById(tx, id), actor.id, "extend");
      const next = nextDue(now, expectedEnd, v.checkInEveryMinutes);
      recordCheckIn(tx, v, "extend", now, {});
      lifeSigned(tx, v, now, actor);
      tx.update(visits).set({ expectedEnd }).where(eq(visits.id, v.id)).run();
      rearm(tx, v.id, next);
      appendAudit(tx, actor, { action: "extend", entity: "visit", entityId: v.id, data: { expectedEnd, nextCheckInDue: next } }, now);
      return { id: v.id, status: v.status, expectedEnd: expectedEnd.toISOString(), nextCheckInDue: next.toISOString() };
    });
  },

  async checkOut(actor, id, duress, key, now) {
    return writeTx(db, (tx) =>
      once(tx, actor.id, key, `POST /api/visits/${id}/check-out`, now, () => {
        const v = activeOwnVisit(visitById(tx, id), actor.id, "check out");
        recordCheckIn(tx, v, "check_out", now, {});
        lifeSigned(tx, v, now, actor);
        tx.update(visits).set({ status: "completed", endedAt: now }).where(eq(visits.id, v.id)).run();
        clear(tx, v.id);
        appendAudit(tx, actor, { action: "check_out", entity: "visit", entityId: v.id }, now);
        if (duress) {
          raiseAlert(tx, { reason: "duress", triggerKey: `duress:${v.id}:${now.getTime()}`, visitId: v.id, staffId: v.staffId, baseAt: now }, now, { type: "system", job: "escalation" });
        }
        return { status: 200, body: { status: "completed" as const } };
      }),
    );
  },

  async panic(actor, id, key, now) {
    return writeTx(db, (tx) =>
      once(tx, actor.id, key, `POST /api/visits/${id}/alarm`, now, () => {
        const v = activeOwnVisit(visitById(tx, id), actor.id, "raise an alarm on it; call 999");
        recordCheckIn(tx, v, "alarm", now, {});
        const a = raiseAlert(tx, { reason: "panic", triggerKey: `panic:${v.id}:${crypto.randomUUID()}`, visitId: v.id, staffId: v.staffId, baseAt: now }, now, actor)!;
        return { status: 201, body: { alertId: a.id } };
      }),
    );
  },

  async duressPinHash(staffId) {
    return db.select({ h: duressPins.pinHash }).from(duressPins).where(eq(duressPins.staffId, staffId)).get()?.h;
  },

  async setDuressPin(staffId, pinHash, now) {
    writeTx(db, (tx) => {
      tx.insert(duressPins).values({ staffId, pinHash, setAt: now }).onConflictDoUpdate({ target: duressPins.staffId, set: { pinHash, setAt: now } }).run();
      appendAudit(tx, { type: "staff", id: staffId }, { action: "set_duress_pin", entity: "staff", entityId: staffId }, now);
    });
  },

  async list(filter) {
    const conds = [filter.status ? eq(visits.status, filter.status) : undefined, filter.staffId ? eq(visits.staffId, filter.staffId) : undefined];
    return db
      .select({ v: visits, name: staff.name })
      .from(visits)
      .innerJoin(staff, eq(staff.id, visits.staffId))
      .where(and(...conds))
      .orderBy(desc(visits.startedAt))
      .limit(500)
      .all();
  },

  async withName(id) {
    return db.select({ v: visits, name: staff.name }).from(visits).innerJoin(staff, eq(staff.id, visits.staffId)).where(eq(visits.id, id)).get();
  },

  async checkInsOf(visitId) {
    return db.select().from(checkIns).where(eq(checkIns.visitId, visitId)).orderBy(asc(checkIns.at)).all();
  },

  async seedDemo(actor, d, now) {
    writeTx(db, (tx) => {
      const { nextCheckInDue, ...rest } = d.visit;
      const v = armNew(tx, rest, nextCheckInDue);
      for (const c of d.checkIns.filter((c) => c.kind !== "check_out")) tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: v.staffId, kind: c.kind, at: c.at }).run();
      if (d.alert) {
        const a = insertAlertRecord(tx, d.alert(v.id));
        appendAudit(tx, actor, { action: "raise", entity: "alert", entityId: a.id, data: { reason: a.reason, visitId: v.id } }, now);
      }
      for (const c of d.checkIns.filter((c) => c.kind === "check_out")) tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: v.staffId, kind: c.kind, at: c.at }).run();
      appendAudit(tx, actor, { action: "start", entity: "visit", entityId: v.id, data: { purpose: v.purpose, demo: true } }, now);
    });
  },
}));
