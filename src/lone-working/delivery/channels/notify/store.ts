// The Notify channel's tables (notify_messages, notify_bad_addresses, notify_inbound): only this
// file reads or writes them. The channel's sends are use cases (notifyStore(db)); what the
// callbacks record is offered as tx-level functions, run inside the alerts store's transaction
// with the delivery receipt and the acknowledgement they lead to.
import { and, desc, eq, gte, inArray, isNotNull, max } from "drizzle-orm";
import { randomInt } from "node:crypto";
import { writeTx, type Db, type Tx } from "../../../../db/connection.js";
import { storeFor } from "../../../../db/store-kit.js";
import { staff } from "../../../../staff/schema.js";
import type { ReadHandle } from "../../store.js";
import { notifyBadAddresses, notifyInbound, notifyMessages, type InboundOutcome, type NotifyKind, type NotifyMessageStatus } from "./schema.js";

/** A code is not given to a second alert for the same number within this (replies come within minutes). */
const CODE_REUSE_AFTER_MS = 30 * 24 * 3600_000;

/** Whom this kind reaches of these people: active staff with an address Notify has not refused for good. */
export function reachesBy(db: ReadHandle, kind: NotifyKind, staffIds: readonly string[]): Set<string> {
  if (staffIds.length === 0) return new Set();
  const col = kind === "sms" ? staff.mobile : staff.email;
  const rows = (db as Db)
    .select({ id: staff.id, address: col })
    .from(staff)
    .where(and(inArray(staff.id, [...staffIds]), eq(staff.active, true), isNotNull(col)))
    .all();
  const bad = badOf(db, rows.map((r) => r.address!));
  return new Set(rows.filter((r) => r.address && !bad.has(r.address)).map((r) => r.id));
}

function badOf(db: ReadHandle, addresses: string[]): Set<string> {
  if (addresses.length === 0) return new Set();
  return new Set((db as Db).select({ a: notifyBadAddresses.address }).from(notifyBadAddresses).where(inArray(notifyBadAddresses.address, addresses)).all().map((r) => r.a));
}

/** A message about to go: what the channel sends it with. */
export interface Prepared {
  messageId: string;
  address: string;
  ackCode: string | null;
  seq: number;
}

export interface NewMessage {
  notificationId: string | null;
  alertId: string | null;
  purpose: "alert" | "test";
  kind: NotifyKind;
  staffId: string;
  /** Give it the code the person replies to acknowledge this alert. */
  withCode: boolean;
}

/** Why a person cannot be sent to now. */
export type Unsendable = { missing: "no_address" | "bad_address" };

export interface NotifyStore {
  /**
   * Record messages about to be handed to Notify, in one transaction: each person's address as
   * it is now, their acknowledgement code for the alert (the same for every text about it), and
   * the next number in the texts to that address. A person with no address, or one Notify
   * refused for good, gets `missing` instead.
   */
  begin(rows: NewMessage[], now: Date): Promise<(Prepared | Unsendable)[]>;
  /** Notify accepted it (its id, for the callbacks), or it could not be sent. */
  settle(results: { messageId: string; notifyId?: string; status: "sent" | "failed" }[], now: Date): Promise<void>;
  /** Mark an address bad at once (Notify refused it as not a valid number). */
  markBad(address: string, kind: NotifyKind, messageId: string, now: Date): Promise<void>;
  /** Of these people, whose address Notify refused for good, and when. */
  badFor(staffIds: readonly string[]): Promise<Map<string, { kind: NotifyKind; markedAt: Date }>>;
  /** A message as recorded (tests, the me page's test results). */
  message(id: string): Promise<typeof notifyMessages.$inferSelect | undefined>;
  /** Received texts, newest first (the audit trail page). */
  inbound(limit: number): Promise<(typeof notifyInbound.$inferSelect)[]>;
}

export const notifyStore = storeFor<NotifyStore>((db) => ({
  async begin(rows, now) {
    return writeTx(db, (tx) => {
      const ids = [...new Set(rows.map((r) => r.staffId))];
      const people = new Map(tx.select({ id: staff.id, mobile: staff.mobile, email: staff.email, active: staff.active }).from(staff).where(inArray(staff.id, ids)).all().map((p) => [p.id, p]));
      const bad = badOf(tx, [...people.values()].flatMap((p) => [p.mobile, p.email].filter((a): a is string => !!a)));
      // Read once per address in the batch (a burst may text one manager a thousand times).
      const seqs = new Map<string, number>();
      const codes = new Map<string, AddressCodes>();
      return rows.map((r): Prepared | Unsendable => {
        const p = people.get(r.staffId);
        const address = r.kind === "sms" ? p?.mobile : p?.email;
        if (!p || !p.active || !address) return { missing: "no_address" };
        if (bad.has(address)) return { missing: "bad_address" };
        let last = seqs.get(address);
        if (last === undefined) last = tx.select({ n: max(notifyMessages.seq) }).from(notifyMessages).where(eq(notifyMessages.address, address)).get()?.n ?? 0;
        const seq = last + 1;
        seqs.set(address, seq);
        let known = codes.get(address);
        if (r.withCode && r.alertId && !known) codes.set(address, (known = addressCodes(tx, address, now)));
        const ackCode = r.withCode && r.alertId ? codeFor(known!, r.alertId) : null;
        const messageId = crypto.randomUUID();
        tx.insert(notifyMessages)
          .values({ id: messageId, notificationId: r.notificationId, alertId: r.alertId, purpose: r.purpose, kind: r.kind, staffId: r.staffId, address, ackCode, seq, status: "sending", createdAt: now })
          .run();
        return { messageId, address, ackCode, seq };
      });
    });
  },
  async settle(results, now) {
    if (results.length === 0) return;
    writeTx(db, (tx) => {
      for (const r of results) {
        tx.update(notifyMessages)
          .set({ status: r.status, notifyId: r.notifyId ?? null, sentAt: r.status === "sent" ? now : null })
          // A callback may have been quicker than us: never overwrite its word.
          .where(and(eq(notifyMessages.id, r.messageId), eq(notifyMessages.status, "sending")))
          .run();
      }
    });
  },
  async markBad(address, kind, messageId, now) {
    writeTx(db, (tx) => {
      tx.insert(notifyBadAddresses).values({ address, kind, markedAt: now, messageId }).onConflictDoNothing().run();
    });
  },
  async badFor(staffIds) {
    const out = new Map<string, { kind: NotifyKind; markedAt: Date }>();
    if (staffIds.length === 0) return out;
    const people = db.select({ id: staff.id, mobile: staff.mobile, email: staff.email }).from(staff).where(inArray(staff.id, [...staffIds])).all();
    const addresses = people.flatMap((p) => [p.mobile, p.email].filter((a): a is string => !!a));
    if (addresses.length === 0) return out;
    const bad = new Map(db.select().from(notifyBadAddresses).where(inArray(notifyBadAddresses.address, addresses)).all().map((b) => [b.address, b]));
    for (const p of people) {
      const b = (p.mobile && bad.get(p.mobile)) || (p.email && bad.get(p.email));
      if (b) out.set(p.id, { kind: b.kind, markedAt: b.markedAt });
    }
    return out;
  },
  async message(id) {
    return db.select().from(notifyMessages).where(eq(notifyMessages.id, id)).get();
  },
  async inbound(limit) {
    return db.select().from(notifyInbound).orderBy(desc(notifyInbound.recordedAt)).limit(limit).all();
  },
}));

/** An address's codes: which alert holds which, and every code given lately. */
interface AddressCodes {
  byAlert: Map<string, string>;
  taken: Set<string>;
}

function addressCodes(tx: Tx, address: string, now: Date): AddressCodes {
  const rows = tx
    .select({ code: notifyMessages.ackCode, alertId: notifyMessages.alertId })
    .from(notifyMessages)
    .where(and(eq(notifyMessages.address, address), isNotNull(notifyMessages.ackCode), gte(notifyMessages.createdAt, new Date(now.getTime() - CODE_REUSE_AFTER_MS))))
    .all();
  const byAlert = new Map<string, string>();
  for (const r of rows) if (r.alertId && r.code) byAlert.set(r.alertId, r.code);
  return { byAlert, taken: new Set(rows.map((r) => r.code!)) };
}

/** The person's code for this alert: the one already given, or a new one no recent alert of theirs holds. */
function codeFor(known: AddressCodes, alertId: string): string {
  const given = known.byAlert.get(alertId);
  if (given) return given;
  let code: string;
  do code = String(randomInt(1000, 10000));
  while (known.taken.has(code) && known.taken.size < 9000);
  known.taken.add(code);
  known.byAlert.set(alertId, code);
  return code;
}

// ---------------------------------------------------------------------------------------
// What Notify's callbacks record (tx-level: the alerts store runs them with what follows).

/** Notify's word on a message, as recorded. */
export interface StatusRecorded {
  messageId: string;
  notificationId: string | null;
  alertId: string | null;
  kind: NotifyKind;
  /** The address was marked bad by this receipt. */
  permanent: boolean;
}

/**
 * A delivery-status callback: Notify echoes our message id as `reference` (its own id as `id`).
 * Recorded on the message; a permanent failure marks the address bad. Undefined for a message
 * we never sent (a stray or forged callback).
 */
export function recordStatus(tx: Tx, cb: { reference?: string | null; id: string; status: NotifyMessageStatus }, now: Date): StatusRecorded | undefined {
  const m = (cb.reference ? tx.select().from(notifyMessages).where(eq(notifyMessages.id, cb.reference)).get() : undefined) ?? tx.select().from(notifyMessages).where(eq(notifyMessages.notifyId, cb.id)).get();
  if (!m) return undefined;
  tx.update(notifyMessages).set({ status: cb.status, statusAt: now, notifyId: m.notifyId ?? cb.id }).where(eq(notifyMessages.id, m.id)).run();
  const permanent = cb.status === "permanent-failure";
  if (permanent) tx.insert(notifyBadAddresses).values({ address: m.address, kind: m.kind, markedAt: now, messageId: m.id }).onConflictDoNothing().run();
  return { messageId: m.id, notificationId: m.notificationId, alertId: m.alertId, kind: m.kind, permanent };
}

/** A received text, recorded once by Notify's id; `fresh` false with its outcome when seen before. */
export function recordInbound(tx: Tx, t: { notifyId: string; sourceNumber: string; message: string; receivedAt: Date }, now: Date): { id: string; outcome: InboundOutcome | null } {
  tx.insert(notifyInbound).values({ notifyId: t.notifyId, sourceNumber: t.sourceNumber, message: t.message, receivedAt: t.receivedAt, recordedAt: now }).onConflictDoNothing().run();
  const row = tx.select({ id: notifyInbound.id, outcome: notifyInbound.outcome }).from(notifyInbound).where(eq(notifyInbound.notifyId, t.notifyId)).get()!;
  return row;
}

/** What a received text came to (and whose alert, as whom). */
export function settleInbound(tx: Tx, id: string, outcome: InboundOutcome, who: { alertId?: string; staffId?: string } = {}): void {
  tx.update(notifyInbound).set({ outcome, alertId: who.alertId ?? null, staffId: who.staffId ?? null }).where(eq(notifyInbound.id, id)).run();
}

/** Whose alert a code texted to this number is: the newest text that carried it. */
export function codeOwner(tx: Tx, address: string, code: string): { alertId: string; staffId: string } | undefined {
  const r = tx
    .select({ alertId: notifyMessages.alertId, staffId: notifyMessages.staffId })
    .from(notifyMessages)
    .where(and(eq(notifyMessages.address, address), eq(notifyMessages.ackCode, code), eq(notifyMessages.kind, "sms")))
    .orderBy(desc(notifyMessages.createdAt))
    .limit(1)
    .get();
  return r?.alertId ? { alertId: r.alertId, staffId: r.staffId } : undefined;
}

