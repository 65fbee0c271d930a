import { createHash } from "node:crypto";
import { and, asc, desc, eq, gte, lt, or } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { clientOf, prepared } from "../db/prepared.js";
import { auditLog } from "./schema.js";
import { viaFor, type Via } from "./via.js";

/**
 * Who did it: a signed-in person, or a job of the service itself. `via`: the person
 * acted through an API token (which one, and who made it).
 */
export type Actor = { type: "staff"; id: string; via?: Via } | { type: "system"; job: string };

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string;
  data?: unknown;
}

type Row = typeof auditLog.$inferSelect;
type ChainFields = Omit<Row, "hash" | "viaTokenId" | "viaMadeBy"> & Partial<Pick<Row, "viaTokenId" | "viaMadeBy">>;

/** The hash of one row: everything in it, and the previous row's hash. The token
 *  columns join the hashed list only when set, so rows written before them still verify. */
export function rowHash(r: ChainFields): string {
  const fields: unknown[] = [r.seq, r.recordedAt.getTime(), r.actorType, r.actorId, r.action, r.entity, r.entityId, r.data, r.prevHash];
  if (r.viaTokenId != null || r.viaMadeBy != null) fields.push(r.viaTokenId ?? null, r.viaMadeBy ?? null);
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

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

export interface Checkpoint {
  seq: number;
  hash: string;
}

/** A checkpoint as kept: `seq:hash`, or the JSON printed by `npm run audit:checkpoint`. */
export function parseCheckpoint(text: string): Checkpoint | undefined {
  const t = text.trim();
  let seq: unknown;
  let hash: unknown;
  if (t.startsWith("{")) {
    try {
      ({ seq, hash } = JSON.parse(t) as { seq?: unknown; hash?: unknown });
    } catch {
      return undefined;
    }
  } else {
    const m = /^(\d+):([0-9a-fA-F]{64})$/.exec(t);
    if (!m) return undefined;
    seq = Number(m[1]);
    hash = m[2]!.toLowerCase();
  }
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined;
  if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  return { seq, hash };
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  firstBadSeq?: number;
  problem?: string;
  head?: Checkpoint;
}

/**
 * Walk the chain from the start. Detects an edited row (its hash no longer
 * matches), a deleted row (a gap in seq, or the next row's prevHash), and, given
 * a checkpoint kept elsewhere, a chain rebuilt after tampering or cut short.
 */
export function verifyChain(db: Db, checkpoint?: Checkpoint): VerifyResult {
  const walk = walkChain(db, checkpoint);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

/** The same check, giving the event loop a turn between pages, so a long chain
 *  checked from the API never holds up alerts being served meanwhile. */
export async function verifyChainAsync(db: Db, checkpoint?: Checkpoint): Promise<VerifyResult> {
  const walk = walkChain(db, checkpoint);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    await new Promise((r) => setImmediate(r));
  }
}

function* walkChain(db: Db, checkpoint?: Checkpoint): Generator<void, VerifyResult> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  let head: Checkpoint | undefined;
  // A checkpoint of the empty chain holds for any chain grown from the start.
  let checkpointSeen = checkpoint?.seq === 0 && checkpoint.hash === GENESIS_HASH;
  const PAGE = 2000;
  for (;;) {
    const rows = db.select().from(auditLog).where(gte(auditLog.seq, expectedSeq)).orderBy(asc(auditLog.seq)).limit(PAGE).all();
    for (const r of rows) {
      if (r.seq !== expectedSeq) return { ok: false, entries, firstBadSeq: expectedSeq, problem: "row missing" };
      if (r.prevHash !== prev) return { ok: false, entries, firstBadSeq: r.seq, problem: "previous hash does not match" };
      if (rowHash(r) !== r.hash) return { ok: false, entries, firstBadSeq: r.seq, problem: "row altered" };
      if (checkpoint && r.seq === checkpoint.seq) {
        checkpointSeen = true;
        if (r.hash !== checkpoint.hash) {
          // A rebuilt chain is consistent in itself; only the kept hash shows it.
          return { ok: false, entries, firstBadSeq: checkpoint.seq, problem: "chain differs from the checkpoint" };
        }
      }
      prev = r.hash;
      head = { seq: r.seq, hash: r.hash };
      expectedSeq++;
      entries++;
    }
    if (rows.length < PAGE) break;
    yield;
  }
  if (checkpoint && !checkpointSeen) {
    return { ok: false, entries, firstBadSeq: Math.min(expectedSeq, checkpoint.seq), problem: "chain is shorter than the checkpoint" };
  }
  return { ok: true, entries, head };
}

export function chainHead(db: Db): Checkpoint | undefined {
  const last = db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).get();
  return last ? { seq: last.seq, hash: last.hash } : undefined;
}

export function auditEntries(db: Db, filter: { entity?: string; entityId?: string; actorId?: string; beforeSeq?: number; limit: number }) {
  const conds = [];
  // What a person did, and what was done with tokens they made.
  if (filter.actorId) conds.push(or(eq(auditLog.actorId, filter.actorId), eq(auditLog.viaMadeBy, filter.actorId)));
  if (filter.beforeSeq) conds.push(lt(auditLog.seq, filter.beforeSeq));
  if (filter.entity) conds.push(eq(auditLog.entity, filter.entity));
  if (filter.entityId) conds.push(eq(auditLog.entityId, filter.entityId));
  return db
    .select()
    .from(auditLog)
    .where(and(...conds))
    .orderBy(desc(auditLog.seq))
    .limit(filter.limit)
    .all();
}
