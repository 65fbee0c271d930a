// Lone-working visits: start, check in, extend, check out (with the duress PIN),
// panic. Each write is one transaction with its audit row and, when a phone sent
// one, its Idempotency-Key. Risk notes are never written to logs or the audit chain.
import { and, asc, desc, eq } from "drizzle-orm";
import type { Deps, CurrentUser } from "../../deps.js";
import { writeTx, type Tx } from "../../db/connection.js";
import { type Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { Conflict, InvalidInput, NotFound } from "../../errors.js";
import { checkPassword, hashPassword } from "../../auth/password.js";
import { staff } from "../../staff/schema.js";
import { alerts } from "../alerts/schema.js";
import { raiseAlert } from "../escalation/engine.js";
import { alertViews, isManager, signOfLife, workerMaySee, type AlertView } from "../alerts/service.js";
import { nextDue, vouchedAt } from "../watch/due.js";
import { checkIns, duressPins, visits, type CheckInKind, type VisitPurpose, type VisitStatus } from "./schema.js";
import { once, type IdemKey } from "./idempotency.js";
import { groupTx } from "./group-commit.js";
import { checkInOwner, insertCheckIn, setNextDue, visitById, type VisitRow } from "./store.js";

export interface NewVisit {
  purpose: VisitPurpose;
  location: { address: string; lat?: number; lng?: number };
  expectedEnd: string;
  checkInEveryMinutes?: number;
  riskNotes?: string;
  patientRef?: string;
}

export interface SignOfLife {
  id?: string;
  lat?: number;
  lng?: number;
  note?: string;
  /** When an offline phone made it; the sign of life counts from then, not from arrival. */
  madeAt?: string;
}

export function visitView(v: VisitRow, staffName?: string) {
  return {
    id: v.id,
    staffId: v.staffId,
    staffName,
    purpose: v.purpose,
    location: { address: v.address, lat: v.lat ?? undefined, lng: v.lng ?? undefined },
    expectedEnd: v.expectedEnd.toISOString(),
    checkInEveryMinutes: v.checkInEveryMinutes ?? undefined,
    riskNotes: v.riskNotes ?? undefined,
    patientRef: v.patientRef ?? undefined,
    status: v.status,
    startedAt: v.startedAt.toISOString(),
    endedAt: v.endedAt?.toISOString(),
    nextCheckInDue: v.nextCheckInDue.toISOString(),
    overdue: v.overdueAlertId !== null,
  };
}

function futureInstant(value: string, now: Date, path: string): Date {
  const d = new Date(value);
  if (!(d > now)) throw new InvalidInput([{ path, message: "must be in the future" }]);
  return d;
}

function publishVisit(deps: Deps, v: { id: string; staffId: string }, change: string) {
  deps.events.publish({ type: "visit", data: { id: v.id, staffId: v.staffId, change } });
}

export function startVisit(deps: Deps, user: CurrentUser, input: NewVisit, key?: IdemKey) {
  const now = deps.clock.now();
  const expectedEnd = futureInstant(input.expectedEnd, now, "expectedEnd");
  const actor: Actor = { type: "staff", id: user.id };
  const r = writeTx(deps.db, (tx) =>
    once(tx, user.id, key, "POST /api/visits", now, () => {
      const v = tx
        .insert(visits)
        .values({
          staffId: user.id,
          purpose: input.purpose,
          address: input.location.address,
          lat: input.location.lat ?? null,
          lng: input.location.lng ?? null,
          riskNotes: input.riskNotes ?? null,
          patientRef: input.patientRef ?? null,
          checkInEveryMinutes: input.checkInEveryMinutes ?? null,
          expectedEnd,
          status: "active",
          startedAt: now,
          nextCheckInDue: nextDue(now, expectedEnd, input.checkInEveryMinutes ?? null),
        })
        .returning()
        .get();
      tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: user.id, kind: "start", at: now, lat: v.lat, lng: v.lng }).run();
      // The audit row records that risk notes exist, never what they say.
      appendAudit(tx, actor, { action: "start", entity: "visit", entityId: v.id, data: { purpose: v.purpose, expectedEnd, checkInEveryMinutes: v.checkInEveryMinutes, hasRiskNotes: Boolean(v.riskNotes), patientRef: v.patientRef } }, now);
      return { status: 201, body: { id: v.id, status: "active" as const, nextCheckInDue: v.nextCheckInDue.toISOString() } };
    }),
  );
  if (!r.replayed) {
    publishVisit(deps, { id: r.body.id, staffId: user.id }, "started");
    deps.wakeScheduler();
  }
  return r;
}

/** The caller's own visit, for writes (a manager cannot check in for someone else). */
function ownVisit(tx: Tx, user: CurrentUser, id: string): VisitRow {
  const v = visitById(tx, id);
  if (!v || v.staffId !== user.id) throw new NotFound("visit");
  return v;
}

function activeOwnVisit(tx: Tx, user: CurrentUser, id: string, what: string): VisitRow {
  const v = ownVisit(tx, user, id);
  if (v.status !== "active") throw new Conflict(`The visit is finished; cannot ${what}.`);
  return v;
}

/** A sign of life resets the missed-check-in state; see alerts/service signOfLife. */
function lifeSigned(tx: Tx, v: VisitRow, now: Date, actor: Actor) {
  if (v.overdueAlertId) signOfLife(tx, v.overdueAlertId, now, actor);
}

function recordCheckIn(tx: Tx, v: VisitRow, kind: CheckInKind, now: Date, input: SignOfLife, id?: string): boolean {
  return insertCheckIn(tx, { id: id ?? crypto.randomUUID(), visitId: v.id, staffId: v.staffId, kind, at: now, lat: input.lat ?? null, lng: input.lng ?? null, note: input.note ?? null });
}

export async function checkIn(deps: Deps, user: CurrentUser, id: string, input: SignOfLife, key?: IdemKey) {
  const now = deps.clock.now();
  const actor: Actor = { type: "staff", id: user.id };
  let hadOverdue = false;
  // The hot path of a busy duty evening: concurrent check-ins share one commit.
  const r = await groupTx(deps.db, (tx) =>
    once(tx, user.id, key, `POST /api/visits/${id}/check-in`, now, () => {
      const v = activeOwnVisit(tx, user, id, "check in");
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
      setNextDue(tx, v.id, next);
      appendAudit(tx, actor, { action: "check_in", entity: "visit", entityId: v.id, data: { nextCheckInDue: next } }, now);
      return { status: 200, body: { nextCheckInDue: next.toISOString() } };
    }),
  );
  if (!r.replayed) {
    publishVisit(deps, { id, staffId: user.id }, "checked_in");
    // A check-in only moves a due time later (nextDue from a later now), so a timer armed
    // for the old one at worst fires early and re-arms; the scheduler is woken only when
    // a missed-check-in alert ended, which puts the visit back among those it watches.
    if (hadOverdue) deps.wakeScheduler();
  }
  return r;
}

export function extendVisit(deps: Deps, user: CurrentUser, id: string, expectedEndIso: string) {
  const now = deps.clock.now();
  const expectedEnd = futureInstant(expectedEndIso, now, "expectedEnd");
  const actor: Actor = { type: "staff", id: user.id };
  const body = writeTx(deps.db, (tx) => {
    const v = activeOwnVisit(tx, user, id, "extend");
    const next = nextDue(now, expectedEnd, v.checkInEveryMinutes);
    recordCheckIn(tx, v, "extend", now, {});
    lifeSigned(tx, v, now, actor);
    tx.update(visits).set({ expectedEnd, nextCheckInDue: next, overdueAlertId: null }).where(eq(visits.id, v.id)).run();
    appendAudit(tx, actor, { action: "extend", entity: "visit", entityId: v.id, data: { expectedEnd, nextCheckInDue: next } }, now);
    return { id: v.id, status: v.status, expectedEnd: expectedEnd.toISOString(), nextCheckInDue: next.toISOString() };
  });
  publishVisit(deps, { id, staffId: user.id }, "extended");
  deps.wakeScheduler();
  return body;
}

/**
 * Check out. The PIN is always verified (against the person's duress hash, or a
 * dummy when they have none or sent none), so a duress check-out costs the same
 * time and answers the same bytes as a normal one; only the silent alert differs.
 */
export async function checkOut(deps: Deps, user: CurrentUser, id: string, pin: string | undefined, key?: IdemKey) {
  const stored = deps.db.select({ h: duressPins.pinHash }).from(duressPins).where(eq(duressPins.staffId, user.id)).get()?.h;
  const duress = (await checkPassword(stored ?? null, pin ?? "")) && pin !== undefined && stored !== undefined;
  const now = deps.clock.now();
  const actor: Actor = { type: "staff", id: user.id };
  const r = writeTx(deps.db, (tx) =>
    once(tx, user.id, key, `POST /api/visits/${id}/check-out`, now, () => {
      const v = activeOwnVisit(tx, user, id, "check out");
      recordCheckIn(tx, v, "check_out", now, {});
      lifeSigned(tx, v, now, actor);
      tx.update(visits).set({ status: "completed", endedAt: now, overdueAlertId: null }).where(eq(visits.id, v.id)).run();
      appendAudit(tx, actor, { action: "check_out", entity: "visit", entityId: v.id }, now);
      if (duress) {
        raiseAlert(tx, { reason: "duress", triggerKey: `duress:${v.id}:${now.getTime()}`, visitId: v.id, staffId: v.staffId, baseAt: now }, now, { type: "system", job: "escalation" });
      }
      return { status: 200, body: { status: "completed" as const } };
    }),
  );
  if (!r.replayed) {
    publishVisit(deps, { id, staffId: user.id }, "checked_out");
    deps.wakeScheduler();
  }
  return r;
}

export function panic(deps: Deps, user: CurrentUser, id: string, key?: IdemKey) {
  const now = deps.clock.now();
  const actor: Actor = { type: "staff", id: user.id };
  const r = writeTx(deps.db, (tx) =>
    once(tx, user.id, key, `POST /api/visits/${id}/alarm`, now, () => {
      const v = activeOwnVisit(tx, user, id, "raise an alarm on it; call 999");
      recordCheckIn(tx, v, "alarm", now, {});
      const a = raiseAlert(tx, { reason: "panic", triggerKey: `panic:${v.id}:${crypto.randomUUID()}`, visitId: v.id, staffId: v.staffId, baseAt: now }, now, actor)!;
      return { status: 201, body: { alertId: a.id } };
    }),
  );
  if (!r.replayed) {
    deps.events.publish({ type: "alert", data: { id: r.body.alertId, visitId: id, staffId: user.id, reason: "panic", change: "raised" } });
    deps.wakeScheduler();
  }
  return r;
}

export async function setDuressPin(deps: Deps, user: CurrentUser, pin: string): Promise<void> {
  const pinHash = await hashPassword(pin);
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    tx.insert(duressPins).values({ staffId: user.id, pinHash, setAt: now }).onConflictDoUpdate({ target: duressPins.staffId, set: { pinHash, setAt: now } }).run();
    appendAudit(tx, { type: "staff", id: user.id }, { action: "set_duress_pin", entity: "staff", entityId: user.id }, now);
  });
}

export function listVisits(deps: Deps, user: CurrentUser, status?: VisitStatus) {
  const conds = [status ? eq(visits.status, status) : undefined, isManager(user) ? undefined : eq(visits.staffId, user.id)];
  return deps.db
    .select({ v: visits, name: staff.name })
    .from(visits)
    .innerJoin(staff, eq(staff.id, visits.staffId))
    .where(and(...conds))
    .orderBy(desc(visits.startedAt))
    .limit(500)
    .all()
    .map((r) => visitView(r.v, r.name));
}

export function getVisit(deps: Deps, user: CurrentUser, id: string) {
  const row = deps.db.select({ v: visits, name: staff.name }).from(visits).innerJoin(staff, eq(staff.id, visits.staffId)).where(eq(visits.id, id)).get();
  const own = row?.v.staffId === user.id;
  if (!row || (!own && !isManager(user))) throw new NotFound("visit");
  const ins = deps.db.select().from(checkIns).where(eq(checkIns.visitId, id)).orderBy(asc(checkIns.at)).all();
  // The worker never sees a duress alarm raised about them (someone may be watching the phone).
  const alertRows = deps.db.select().from(alerts).where(eq(alerts.visitId, id)).orderBy(asc(alerts.raisedAt)).all().filter((a) => !own || workerMaySee(a.reason));
  // Managers get each alarm's card; the worker's own view stays the plain alert.
  const list: AlertView[] = own ? alertViews(deps, alertRows) : alertViews(deps, alertRows, { card: true });
  return {
    ...visitView(row.v, row.name),
    checkIns: ins.map((c) => ({ id: c.id, at: c.at.toISOString(), kind: c.kind, lat: c.lat ?? undefined, lng: c.lng ?? undefined, note: c.note ?? undefined })),
    alerts: own ? list.map((a) => ({ ...a, notifications: a.notifications.filter((n) => n.staffId === user.id) })) : list,
  };
}
