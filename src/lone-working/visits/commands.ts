// Lone-working visits: start, check in, extend, check out (with the duress PIN), panic.
// Each write is one use case of visits/store.ts (one transaction with its audit row and,
// when a phone sent one, its Idempotency-Key); here the input is checked, the live board
// is told and the scheduler woken once it has committed.
import type { Deps, CurrentUser } from "../../deps.js";
import type { Actor } from "../../audit/chain.js";
import { InvalidInput } from "../../errors.js";
import { checkPassword, hashPassword } from "../../auth/password.js";
import type { VisitPurpose } from "./schema.js";
import type { IdemKey } from "./idempotency.js";
import { visitsStore, type SignOfLife } from "./store.js";

export type { SignOfLife } from "./store.js";

export interface NewVisit {
  purpose: VisitPurpose;
  location: { address: string; lat?: number; lng?: number };
  expectedEnd: string;
  checkInEveryMinutes?: number;
  riskNotes?: string;
  patientRef?: string;
}

function futureInstant(value: string, now: Date, path: string): Date {
  const d = new Date(value);
  if (!(d > now)) throw new InvalidInput([{ path, message: "must be in the future" }]);
  return d;
}

function publishVisit(deps: Deps, v: { id: string; staffId: string }, change: string) {
  deps.events.publish({ type: "visit", data: { id: v.id, staffId: v.staffId, change } });
}

const staffActor = (user: CurrentUser): Actor & { type: "staff" } => ({ type: "staff", id: user.id });

export async function startVisit(deps: Deps, user: CurrentUser, input: NewVisit, key?: IdemKey) {
  const now = deps.clock.now();
  const expectedEnd = futureInstant(input.expectedEnd, now, "expectedEnd");
  const r = await visitsStore(deps.db).start(
    staffActor(user),
    {
      purpose: input.purpose,
      address: input.location.address,
      lat: input.location.lat ?? null,
      lng: input.location.lng ?? null,
      riskNotes: input.riskNotes ?? null,
      patientRef: input.patientRef ?? null,
      checkInEveryMinutes: input.checkInEveryMinutes ?? null,
      expectedEnd,
    },
    key,
    now,
  );
  if (!r.replayed) {
    publishVisit(deps, { id: r.body.id, staffId: user.id }, "started");
    deps.wakeScheduler();
  }
  return r;
}

export async function checkIn(deps: Deps, user: CurrentUser, id: string, input: SignOfLife, key?: IdemKey) {
  const { result: r, hadOverdue } = await visitsStore(deps.db).checkIn(staffActor(user), id, input, key, deps.clock.now());
  if (!r.replayed) {
    publishVisit(deps, { id, staffId: user.id }, "checked_in");
    // A check-in only moves a due time later (nextDue from a later now), so a timer armed
    // for the old one at worst fires early and re-arms; the scheduler is woken only when
    // a missed-check-in alert ended, which puts the visit back among those it watches.
    if (hadOverdue) deps.wakeScheduler();
  }
  return r;
}

export async function extendVisit(deps: Deps, user: CurrentUser, id: string, expectedEndIso: string) {
  const now = deps.clock.now();
  const expectedEnd = futureInstant(expectedEndIso, now, "expectedEnd");
  const body = await visitsStore(deps.db).extend(staffActor(user), id, expectedEnd, now);
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
  const store = visitsStore(deps.db);
  const stored = await store.duressPinHash(user.id);
  const duress = (await checkPassword(stored ?? null, pin ?? "")) && pin !== undefined && stored !== undefined;
  const r = await store.checkOut(staffActor(user), id, duress, key, deps.clock.now());
  if (!r.replayed) {
    publishVisit(deps, { id, staffId: user.id }, "checked_out");
    deps.wakeScheduler();
  }
  return r;
}

export async function panic(deps: Deps, user: CurrentUser, id: string, key?: IdemKey) {
  const r = await visitsStore(deps.db).panic(staffActor(user), id, key, deps.clock.now());
  if (!r.replayed) {
    deps.events.publish({ type: "alert", data: { id: r.body.alertId, visitId: id, staffId: user.id, reason: "panic", change: "raised" } });
    deps.wakeScheduler();
  }
  return r;
}

export async function setDuressPin(deps: Deps, user: CurrentUser, pin: string): Promise<void> {
  const pinHash = await hashPassword(pin);
  await visitsStore(deps.db).setDuressPin(user.id, pinHash, deps.clock.now());
}
