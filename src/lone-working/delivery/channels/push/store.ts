// Push subscriptions' table: only this file reads or writes push_subscriptions.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Actor } from "../../../../audit/chain.js";
import { appendAudit } from "../../../../audit/store.js";
import { writeTx, type Db, type Tx } from "../../../../db/connection.js";
import { storeFor } from "../../../../db/store-kit.js";
import { NotFound } from "../../../../errors.js";
import { getSetting, putSetting } from "../../../../db/settings.js";
import { pushSubscriptions, type PushSubscriptionRow } from "./schema.js";

const SYSTEM: Actor = { type: "system", job: "push" };

/** The endpoint's origin only: the full URL is a bearer capability, kept out of logs and audit. */
export const endpointHost = (endpoint: string) => {
  try {
    return new URL(endpoint).host;
  } catch {
    return "?";
  }
};

export interface SubscriptionValues {
  endpoint: string;
  p256dh: string;
  auth: string;
  userAgent: string | null;
}

export type SendNote = { kind: "success"; at: Date } | { kind: "transient"; at: Date; status: number };

export interface PushStore {
  /** Create or take over the subscription with this endpoint (validated by the caller). */
  subscribe(actor: Actor & { type: "staff" }, input: SubscriptionValues, now: Date): Promise<{ id: string; created: boolean }>;
  /** Remove the caller's own subscription with this endpoint; someone else's is not found. */
  unsubscribe(actor: Actor & { type: "staff" }, endpoint: string, now: Date): Promise<void>;
  /** Every subscription the person has (the sender's hot path: prepared once per connection). */
  subscriptionsOf(staffId: string): Promise<PushSubscriptionRow[]>;
  /** The push service says the subscription is gone (404/410): delete it. */
  removeGone(row: PushSubscriptionRow, status: number, now: Date): Promise<void>;
  /** A refusal retrying cannot fix (400/403/413, or a host no longer allowed): flag it for readiness. */
  markPermanentFailure(row: PushSubscriptionRow, status: number, now: Date): Promise<void>;
  /**
   * Delivery bookkeeping for many subscriptions in ONE transaction: a burst of 1,000
   * alerts must not pay a durable commit per message. Not audited (it records how
   * sends went, not a decision). A success clears any failure flag; a success is
   * only written when it changes something or the last one is over an hour old.
   */
  recordSendNotes(notes: Map<PushSubscriptionRow, SendNote>): Promise<void>;
}

export const pushStore = storeFor<PushStore>((db) => {
  // Each escalation send looks these up; a statement built and compiled once per
  // connection keeps a burst of a thousand sends from paying drizzle's build each time.
  const byStaff = db.select().from(pushSubscriptions).where(eq(pushSubscriptions.staffId, sql.placeholder("staffId"))).prepare();
  return {
    async subscribe(actor, input, now) {
      return writeTx(db, (tx) => {
        const existing = tx.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, input.endpoint)).get();
        const values = {
          staffId: actor.id,
          p256dh: input.p256dh,
          auth: input.auth,
          userAgent: input.userAgent,
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
    },
    async unsubscribe(actor, endpoint, now) {
      writeTx(db, (tx) => {
        const row = tx.select().from(pushSubscriptions).where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.staffId, actor.id))).get();
        if (!row) throw new NotFound("subscription");
        tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, row.id)).run();
        appendAudit(tx, actor, { action: "push.unsubscribed", entity: "push_subscription", entityId: row.id, data: { host: endpointHost(endpoint) } }, now);
      });
    },
    async subscriptionsOf(staffId) {
      return byStaff.all({ staffId });
    },
    async removeGone(row, status, now) {
      writeTx(db, (tx) => {
        const n = tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, row.id)).run().changes;
        if (n) appendAudit(tx, SYSTEM, { action: "push.subscription_removed", entity: "push_subscription", entityId: row.id, data: { staffId: row.staffId, host: endpointHost(row.endpoint), status } }, now);
      });
    },
    async markPermanentFailure(row, status, now) {
      writeTx(db, (tx) => {
        tx.update(pushSubscriptions).set({ failedPermanentlyAt: now, lastFailureAt: now, lastFailureStatus: status }).where(eq(pushSubscriptions.id, row.id)).run();
        appendAudit(tx, SYSTEM, { action: "push.subscription_failing", entity: "push_subscription", entityId: row.id, data: { staffId: row.staffId, host: endpointHost(row.endpoint), status } }, now);
      });
    },
    async recordSendNotes(notes) {
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
      writeTx(db, (tx) => {
        for (const [id, set] of writes) tx.update(pushSubscriptions).set(set).where(eq(pushSubscriptions.id, id)).run();
      });
    },
  };
});

/** Of these people, those with a subscription whose last send did not fail permanently. */
export function workingSubscribers(tx: Tx | Db, staffIds: readonly string[]): Set<string> {
  if (staffIds.length === 0) return new Set();
  const rows = tx
    .selectDistinct({ staffId: pushSubscriptions.staffId })
    .from(pushSubscriptions)
    .where(and(inArray(pushSubscriptions.staffId, [...staffIds]), isNull(pushSubscriptions.failedPermanentlyAt)))
    .all();
  return new Set(rows.map((r) => r.staffId));
}

/** Readiness: the person has a subscription whose last send did not fail permanently. */
export function hasWorkingSubscription(db: Db, staffId: string): boolean {
  return workingSubscribers(db, [staffId]).has(staffId);
}

const VAPID_SETTING = "push.vapid";

/**
 * The stored VAPID key pair, or `make`'s, stored now (and audited) when there is none.
 * Synchronous: start-up and the public-key route read it before anything else runs.
 */
export function storedVapidKeys(db: Db, make: () => { publicKey: string; privateKey: string }, now: Date): { publicKey: string; privateKey: string } {
  const stored = getSetting<{ publicKey: string; privateKey: string }>(db, VAPID_SETTING);
  if (stored) return stored;
  // Web tier and worker may start together: the IMMEDIATE transaction makes one of them win.
  return writeTx(db, (tx) => {
    const again = getSetting<{ publicKey: string; privateKey: string }>(tx, VAPID_SETTING);
    if (again) return again;
    const fresh = make();
    putSetting(tx, VAPID_SETTING, fresh, now);
    appendAudit(tx, SYSTEM, { action: "push.vapid_keys_generated", entity: "settings", entityId: VAPID_SETTING, data: { publicKey: fresh.publicKey } }, now);
    return fresh;
  });
}
