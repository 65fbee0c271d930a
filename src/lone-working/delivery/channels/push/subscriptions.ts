// Push subscriptions: one row per device, identified by its endpoint, owned by the
// person who last subscribed from it (a shared phone moves to whoever signs in).
import { and, eq, isNull, sql } from "drizzle-orm";
import { type Actor } from "../../../../audit/chain.js";
import { appendAudit } from "../../../../audit/store.js";
import { writeTx, type Db } from "../../../../db/connection.js";
import type { Deps } from "../../../../deps.js";
import { InvalidInput, NotFound } from "../../../../errors.js";
import { endpointRefusal } from "./allowed-hosts.js";
import { pushSubscriptions, type PushSubscriptionRow } from "./schema.js";

export interface NewSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  userAgent?: string;
}

const SYSTEM: Actor = { type: "system", job: "push" };

/** The endpoint's origin only: the full URL is a bearer capability, kept out of logs and audit. */
export const endpointHost = (endpoint: string) => {
  try {
    return new URL(endpoint).host;
  } catch {
    return "?";
  }
};

/** Validate keys as a browser makes them, so a bad one fails here rather than at send time. */
function checkKeys(keys: NewSubscription["keys"]): void {
  const p = Buffer.from(keys.p256dh, "base64url");
  const a = Buffer.from(keys.auth, "base64url");
  const errors = [];
  if (p.length !== 65 || p[0] !== 4) errors.push({ path: "keys.p256dh", message: "must be a base64url uncompressed P-256 public key" });
  if (a.length < 16) errors.push({ path: "keys.auth", message: "must be a base64url auth secret of 16 bytes" });
  if (errors.length) throw new InvalidInput(errors);
}

/** Create or take over the subscription with this endpoint. */
export function subscribe(deps: Deps, actor: Actor & { type: "staff" }, input: NewSubscription): { id: string; created: boolean } {
  const refusal = endpointRefusal(input.endpoint, deps.config.pushAllowedHosts);
  if (refusal) throw new InvalidInput([{ path: "endpoint", message: `endpoint ${refusal}` }]);
  checkKeys(input.keys);
  const now = deps.clock.now();
  return writeTx(deps.db, (tx) => {
    const existing = tx.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, input.endpoint)).get();
    const values = {
      staffId: actor.id,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      updatedAt: now,
      failedPermanentlyAt: null,
      lastFailureAt: null,
      lastFailureStatus: null,
    };
    let id: string;
    if (existing) {
      id = existing.id;
      tx.update(pushSubscriptions).set(values).where(eq(pushSubscriptions.id, id)).run();
    } else {
      id = tx.insert(pushSubscriptions).values({ ...values, endpoint: input.endpoint, createdAt: now }).returning({ id: pushSubscriptions.id }).get().id;
    }
    const data = { host: endpointHost(input.endpoint), ...(existing && existing.staffId !== actor.id ? { previousOwner: existing.staffId } : {}) };
    appendAudit(tx, actor, { action: existing ? "push.subscription_renewed" : "push.subscribed", entity: "push_subscription", entityId: id, data }, now);
    return { id, created: !existing };
  });
}

/** Remove the caller's own subscription with this endpoint; someone else's is not found. */
export function unsubscribe(deps: Deps, actor: Actor & { type: "staff" }, endpoint: string): void {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    const row = tx.select().from(pushSubscriptions).where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.staffId, actor.id))).get();
    if (!row) throw new NotFound("subscription");
    tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, row.id)).run();
    appendAudit(tx, actor, { action: "push.unsubscribed", entity: "push_subscription", entityId: row.id, data: { host: endpointHost(endpoint) } }, now);
  });
}

// Each escalation send looks these up; a statement built and compiled once per
// connection keeps a burst of a thousand sends from paying drizzle's build each time.
const byStaff = new WeakMap<Db, ReturnType<typeof prepareByStaff>>();
const prepareByStaff = (db: Db) =>
  db.select().from(pushSubscriptions).where(eq(pushSubscriptions.staffId, sql.placeholder("staffId"))).prepare();

export function subscriptionsOf(db: Db, staffId: string): PushSubscriptionRow[] {
  let q = byStaff.get(db);
  if (!q) byStaff.set(db, (q = prepareByStaff(db)));
  return q.all({ staffId });
}

/** Readiness: the person has a subscription whose last send did not fail permanently. */
export function hasWorkingSubscription(db: Db, staffId: string): boolean {
  return !!db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.staffId, staffId), isNull(pushSubscriptions.failedPermanentlyAt)))
    .get();
}

/** The push service says the subscription is gone (404/410): delete it. */
export function removeGone(deps: Deps, row: PushSubscriptionRow, status: number): void {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    const n = tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, row.id)).run().changes;
    if (n) appendAudit(tx, SYSTEM, { action: "push.subscription_removed", entity: "push_subscription", entityId: row.id, data: { staffId: row.staffId, host: endpointHost(row.endpoint), status } }, now);
  });
}

/** A refusal retrying cannot fix (400/403/413, or a host no longer allowed): flag it for readiness. */
export function markPermanentFailure(deps: Deps, row: PushSubscriptionRow, status: number): void {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    tx.update(pushSubscriptions).set({ failedPermanentlyAt: now, lastFailureAt: now, lastFailureStatus: status }).where(eq(pushSubscriptions.id, row.id)).run();
    appendAudit(tx, SYSTEM, { action: "push.subscription_failing", entity: "push_subscription", entityId: row.id, data: { staffId: row.staffId, host: endpointHost(row.endpoint), status } }, now);
  });
}

export type SendNote = { kind: "success"; at: Date } | { kind: "transient"; at: Date; status: number };

/**
 * Delivery bookkeeping for many subscriptions in ONE transaction: a burst of 1,000
 * alerts must not pay a durable commit per message. Not audited (it records how
 * sends went, not a decision). A success clears any failure flag; a success is
 * only written when it changes something or the last one is over an hour old.
 */
export function recordSendNotes(deps: Deps, notes: Map<PushSubscriptionRow, SendNote>): void {
  const writes: Array<[string, Partial<PushSubscriptionRow>]> = [];
  for (const [row, note] of notes) {
    if (note.kind === "transient") writes.push([row.id, { lastFailureAt: note.at, lastFailureStatus: note.status }]);
    else {
      const stale = !row.lastSuccessAt || note.at.getTime() - row.lastSuccessAt.getTime() > 3_600_000;
      if (stale || row.lastFailureAt || row.failedPermanentlyAt) {
        writes.push([row.id, { lastSuccessAt: note.at, lastFailureAt: null, lastFailureStatus: null, failedPermanentlyAt: null }]);
      }
    }
  }
  if (writes.length === 0) return;
  writeTx(deps.db, (tx) => {
    for (const [id, set] of writes) tx.update(pushSubscriptions).set(set).where(eq(pushSubscriptions.id, id)).run();
  });
}
