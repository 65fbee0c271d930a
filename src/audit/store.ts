// The audit chain's table: only this file reads or writes audit_log.
import { and, asc, desc, eq, gte, lt, or } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { clientOf, prepared } from "../db/prepared.js";
import { storeFor } from "../db/store-kit.js";
import { GENESIS_HASH, rowHash, walkChain, type Actor, type AuditEntry, type ChainFields, type Checkpoint, type VerifyResult } from "./chain.js";
import { auditLog } from "./schema.js";
import { viaFor } from "./via.js";

/**
 * Append one audit row. Call it inside the same transaction as the write it
 * records, so the record and its audit row land together or not at all.
 *
 * It MUST run inside a write transaction (writeTx: IMMEDIATE, the write lock held from
 * its start), which is what serialises appends: no other connection can read the same
 * last seq between our read and our insert. It takes a transaction handle, and outside a
 * transaction it throws rather than risk it.
 * And a fork can never be stored: seq is the table's primary key, so a second row with
 * the same seq (two appenders that both read the same head) fails and rolls back its
 * whole transaction instead of branching the chain.
 */
/** For other stores, inside their own write transaction. */
export function appendAudit(tx: Tx, actor: Actor, entry: AuditEntry, at: Date): void {
  if (!clientOf(tx).inTransaction) throw new Error("appendAudit must run inside a write transaction (writeTx)");
  // Every write comes through here, so both statements are prepared once per connection.
  const last = prepared(tx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string } | undefined;
  // A token's write says so, whichever module built the actor (see via.ts).
  const via = actor.type === "staff" ? (actor.via ?? viaFor(actor.id)) : undefined;
  const row: ChainFields = {
    seq: (last?.seq ?? 0) + 1,
    recordedAt: at,
    actorType: actor.type,
    actorId: actor.type === "staff" ? actor.id : actor.job,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    data: JSON.stringify(entry.data ?? {}),
    prevHash: last?.hash ?? GENESIS_HASH,
    viaTokenId: via?.tokenId ?? null,
    viaMadeBy: via?.madeBy ?? null,
  };
  prepared(tx, "INSERT INTO audit_log (seq, recorded_at, actor_type, actor_id, action, entity, entity_id, data, prev_hash, via_token_id, via_made_by, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
    row.seq,
    row.recordedAt.getTime(),
    row.actorType,
    row.actorId,
    row.action,
    row.entity,
    row.entityId,
    row.data,
    row.prevHash,
    row.viaTokenId,
    row.viaMadeBy,
    rowHash(row),
  );
}

const PAGE = 2000;
const page = (db: Db) => (fromSeq: number) => db.select().from(auditLog).where(gte(auditLog.seq, fromSeq)).orderBy(asc(auditLog.seq)).limit(PAGE).all();

/** The whole chain checked in one go (the CLI, tests). */
export function verifyChain(db: Db, checkpoint?: Checkpoint): VerifyResult {
  const walk = walkChain(page(db), PAGE, checkpoint);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actorId?: string;
  beforeSeq?: number;
  limit: number;
}

export interface AuditStore {
  /** The chain checked a page at a time, giving the event loop a turn between pages, so a
   *  long chain checked from the API never holds up alerts being served meanwhile. */
  verify(checkpoint?: Checkpoint): Promise<VerifyResult>;
  head(): Promise<Checkpoint | undefined>;
  entries(filter: AuditFilter): Promise<(typeof auditLog.$inferSelect)[]>;
}

export const auditStore = storeFor<AuditStore>((db) => ({
  async verify(checkpoint) {
    const walk = walkChain(page(db), PAGE, checkpoint);
    for (;;) {
      const step = walk.next();
      if (step.done) return step.value;
      await new Promise((r) => setImmediate(r));
    }
  },
  async head() {
    const last = db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).get();
    return last ? { seq: last.seq, hash: last.hash } : undefined;
  },
  async entries(filter) {
    const conds = [];
    // What a person did, and what was done with tokens they made.
    if (filter.actorId) conds.push(or(eq(auditLog.actorId, filter.actorId), eq(auditLog.viaMadeBy, filter.actorId)));
    if (filter.beforeSeq) conds.push(lt(auditLog.seq, filter.beforeSeq));
    if (filter.entity) conds.push(eq(auditLog.entity, filter.entity));
    if (filter.entityId) conds.push(eq(auditLog.entityId, filter.entityId));
    return db.select().from(auditLog).where(and(...conds)).orderBy(desc(auditLog.seq)).limit(filter.limit).all();
  },
}));

/** The same check as `auditStore(db).verify`, for callers that hold a `Db`. */
export const verifyChainAsync = (db: Db, checkpoint?: Checkpoint) => auditStore(db).verify(checkpoint);

/** The newest row's seq and hash: the checkpoint to keep elsewhere. */
export function chainHead(db: Db): Checkpoint | undefined {
  const last = db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).get();
  return last ? { seq: last.seq, hash: last.hash } : undefined;
}
