import { createHash } from "node:crypto";
import type { auditLog } from "./schema.js";
import type { Via } from "./via.js";

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

export type ChainRow = typeof auditLog.$inferSelect;
type Row = ChainRow;
export type ChainFields = Omit<Row, "hash" | "viaTokenId" | "viaMadeBy"> & Partial<Pick<Row, "viaTokenId" | "viaMadeBy">>;

/** The hash of one row: everything in it, and the previous row's hash. The token
 *  columns join the hashed list only when set, so rows written before them still verify. */
export function rowHash(r: ChainFields): string {
  const fields: unknown[] = [r.seq, r.recordedAt.getTime(), r.actorType, r.actorId, r.action, r.entity, r.entityId, r.data, r.prevHash];
  if (r.viaTokenId != null || r.viaMadeBy != null) fields.push(r.viaTokenId ?? null, r.viaMadeBy ?? null);
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
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
 * Walk the chain from the start, a page at a time (`page(fromSeq)` returns rows in seq
 * order). Detects an edited row (its hash no longer matches), a deleted row (a gap in seq,
 * or the next row's prevHash), and, given a checkpoint kept elsewhere, a chain rebuilt
 * after tampering or cut short. Yields between pages so a caller may give the event loop a turn.
 */
export function* walkChain(page: (fromSeq: number) => ChainRow[], pageSize: number, checkpoint?: Checkpoint): Generator<void, VerifyResult> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  let head: Checkpoint | undefined;
  // A checkpoint of the empty chain holds for any chain grown from the start.
  let checkpointSeen = checkpoint?.seq === 0 && checkpoint.hash === GENESIS_HASH;
  for (;;) {
    const rows = page(expectedSeq);
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
    if (rows.length < pageSize) break;
    yield;
  }
  if (checkpoint && !checkpointSeen) {
    return { ok: false, entries, firstBadSeq: Math.min(expectedSeq, checkpoint.seq), problem: "chain is shorter than the checkpoint" };
  }
  return { ok: true, entries, head };
}

