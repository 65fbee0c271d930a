// The integrity kernel every HR record goes through:
// the server stamps who and when, effective dates may not be in the future and
// need a reason when more than 7 days old, nothing is deleted (void with a reason),
// and a correction keeps the old version in the append-only record_versions table.
// Every write appends to the audit chain in the same transaction.
import { and, asc, eq } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Deps } from "../deps.js";
import type { Db, Tx } from "../db/connection.js";
import { type Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import { Conflict, InvalidInput, NotFound, RuleViolation } from "../errors.js";
import { localDay } from "../calendar/days.js";
import { staff } from "../staff/schema.js";
import {
  amhpApprovals,
  leaveRecords,
  ohReferrals,
  recordVersions,
  returnToWork,
  sicknessEpisodes,
  supervisions,
  trainingRecords,
} from "./schema.js";
import { checkEffectiveDate, isLateCorrection } from "./rules/integrity.js";
import { HR_POLICY } from "./policy.js";
import { reasonProblem, trimReason } from "./reason.js";

/**
 * A reason as given: null when absent or blank (the caller decides whether one is
 * needed), 400 naming `field` when given but meaningless (invisible or one character).
 */
export function givenReason(field: string, value: string | null | undefined): string | null {
  const text = trimReason(value ?? "");
  if (text === "" && /^\s*$/.test(value ?? "")) return null;
  const problem = reasonProblem(text);
  if (problem) throw new InvalidInput([{ path: field, message: `The reason ${problem}.` }]);
  return text;
}

export const RECORD_KINDS = ["supervisions", "sickness", "oh-referrals", "return-to-work", "training", "amhp-approvals", "leave"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyTable = SQLiteTable & { id: any; staffId: any };
export type RecordRow = Record<string, any> & {
  id: string;
  staffId: string;
  version: number;
  voidedAt: Date | null;
  recordedBy: string;
};

interface KindInfo {
  table: AnyTable;
  /** Entity name in the audit chain. */
  entity: string;
  /** The field holding the record's effective date. */
  effective: string;
  /** Fields only HR/admin (and the person) may read. */
  confidential: readonly string[];
}

export const KINDS: Record<RecordKind, KindInfo> = {
  supervisions: { table: supervisions as AnyTable, entity: "supervision", effective: "heldOn", confidential: [] },
  sickness: { table: sicknessEpisodes as AnyTable, entity: "sickness_episode", effective: "firstDay", confidential: ["cause"] },
  "oh-referrals": { table: ohReferrals as AnyTable, entity: "oh_referral", effective: "referredOn", confidential: ["reason"] },
  "return-to-work": { table: returnToWork as AnyTable, entity: "return_to_work", effective: "heldOn", confidential: ["notes"] },
  training: { table: trainingRecords as AnyTable, entity: "training", effective: "date", confidential: [] },
  "amhp-approvals": { table: amhpApprovals as AnyTable, entity: "amhp_approval", effective: "validFrom", confidential: [] },
  leave: { table: leaveRecords as AnyTable, entity: "leave", effective: "from", confidential: [] },
};

/** Today, as a local calendar day in the service's zone. */
export const todayOf = (deps: Deps) => localDay(deps.clock.now(), deps.config.TZ_LOCAL);

export interface Stamp {
  recordedAt: Date;
  recordedBy: string;
  late: boolean;
  lateEntryReason: string | null;
}

/**
 * The server-set integrity fields of a new record, after checking its effective
 * date: 422 for a future date (unless allowed) or an unexplained late entry.
 */
export function stamp(
  deps: Deps,
  actor: Actor & { type: "staff" },
  effective: { day: string; field: string; allowFuture?: boolean },
  lateEntryReason?: string | null,
): Stamp {
  const reason = givenReason("lateEntryReason", lateEntryReason);
  const check = checkEffectiveDate(effective.day, todayOf(deps), { allowFuture: effective.allowFuture, lateEntryReason: reason });
  if (!check.ok) {
    const path = check.problem === "future" ? effective.field : "lateEntryReason";
    throw new RuleViolation(check.message, [{ path, message: check.message }]);
  }
  return {
    recordedAt: deps.clock.now(),
    recordedBy: actor.id,
    late: check.late,
    lateEntryReason: check.late ? reason : null,
  };
}

/** Insert a stamped record and its audit row (call inside writeTx). */
export function insertRecord<T extends RecordRow>(tx: Tx, kind: RecordKind, values: Record<string, unknown>, actor: Actor, now: Date): T {
  const info = KINDS[kind];
  const row = tx.insert(info.table).values(values as any).returning().get() as T;
  appendAudit(tx, actor, { action: "create", entity: info.entity, entityId: row.id, data: row }, now);
  return row;
}

export function getRecord<T extends RecordRow = RecordRow>(db: Db | Tx, kind: RecordKind, id: string): T | undefined {
  const t = KINDS[kind].table;
  return db.select().from(t).where(eq(t.id, id)).get() as T | undefined;
}

export function requireRecord<T extends RecordRow = RecordRow>(db: Db | Tx, kind: RecordKind, id: string): T {
  const row = getRecord<T>(db, kind, id);
  if (!row) throw new NotFound("record");
  return row;
}

const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

export interface ChangeOptions {
  /** Why a value already set is changed (needed for a correction). */
  reason?: string;
  /** Needed when the change moves the effective date back into a late entry. */
  lateEntryReason?: string;
  /** Today, as a local day (todayOf). */
  today: string;
}

/**
 * Change fields of a record. Filling a blank is an update; changing a value already
 * set is a correction and needs a reason. Moving the effective date back to more than
 * 7 days ago is a late entry, as if the record were entered so: it needs a
 * lateEntryReason and flags the record late. Either way the previous version is kept
 * in record_versions and the version number moves on.
 */
export function updateRecord<T extends RecordRow>(
  tx: Tx,
  kind: RecordKind,
  before: T,
  changes: Record<string, unknown>,
  opts: ChangeOptions,
  actor: Actor & { type: "staff" },
  now: Date,
): { row: T; corrected: string[] } {
  if (before.voidedAt) throw new Conflict("This record is void and cannot be changed.");
  const info = KINDS[kind];
  const changed = Object.keys(changes).filter((k) => changes[k] !== undefined && !same(before[k], changes[k]));
  if (changed.length === 0) return { row: before, corrected: [] };
  const corrected = changed.filter((k) => before[k] !== null && before[k] !== undefined);
  const why = givenReason("reason", opts.reason);
  if (corrected.length > 0 && !why) {
    const message = `Changing ${corrected.join(", ")} corrects a value already recorded: give a reason.`;
    throw new RuleViolation(message, [{ path: "reason", message }]);
  }
  const set: Record<string, unknown> = Object.fromEntries(changed.map((k) => [k, changes[k]]));
  const eff = info.effective;
  const late = changed.includes(eff) && isLateCorrection(before[eff] as string, changes[eff] as string, opts.today);
  if (late) {
    const lateWhy = givenReason("lateEntryReason", opts.lateEntryReason);
    if (!lateWhy) {
      const message = `Moving ${eff} back to ${String(changes[eff])}, more than ${HR_POLICY.integrity.lateAfterDays} days ago, makes this a late entry: give a lateEntryReason.`;
      throw new RuleViolation(message, [{ path: "lateEntryReason", message }]);
    }
    set.late = true;
    set.lateEntryReason = lateWhy;
  }
  tx.insert(recordVersions)
    .values({
      kind,
      recordId: before.id,
      version: before.version,
      data: JSON.stringify(before),
      changedAt: now,
      changedBy: actor.id,
      correction: corrected.length > 0,
      reason: why,
      late,
    })
    .run();
  const row = tx
    .update(info.table)
    .set({ ...set, version: before.version + 1 } as any)
    .where(and(eq(info.table.id, before.id), eq((info.table as any).version, before.version)))
    .returning()
    .get() as T | undefined;
  if (!row) throw new Conflict("The record changed meanwhile; reload and try again.");
  const from = Object.fromEntries(Object.keys(set).map((k) => [k, before[k]]));
  appendAudit(
    tx,
    actor,
    { action: corrected.length ? "correct" : "update", entity: info.entity, entityId: before.id, data: { from, to: set, reason: why, version: row.version, ...(late ? { late } : {}) } },
    now,
  );
  return { row, corrected };
}

/** Void a record with a reason: it stays, marked void, and stops counting. */
export function voidRecord<T extends RecordRow>(tx: Tx, kind: RecordKind, before: T, reason: string, actor: Actor & { type: "staff" }, now: Date): T {
  const why = givenReason("reason", reason);
  if (!why) throw new InvalidInput([{ path: "reason", message: "A void needs a reason." }]);
  if (before.voidedAt) throw new Conflict("This record is already void.");
  const info = KINDS[kind];
  const row = tx
    .update(info.table)
    .set({ voidedAt: now, voidedBy: actor.id, voidReason: why } as any)
    .where(eq(info.table.id, before.id))
    .returning()
    .get() as T;
  appendAudit(tx, actor, { action: "void", entity: info.entity, entityId: before.id, data: { reason: why } }, now);
  return row;
}

export interface HistoryEntry {
  version: number;
  current: boolean;
  changedAt: Date | null;
  changedBy: string | null;
  correction: boolean;
  reason: string | null;
  /** The change that replaced this version moved the effective date back into a late entry. */
  lateCorrection: boolean;
  data: Record<string, unknown>;
}

/** Every version of a record, oldest first, the current one last. */
export function recordHistory(db: Db, kind: RecordKind, current: RecordRow): HistoryEntry[] {
  const old = db
    .select()
    .from(recordVersions)
    .where(and(eq(recordVersions.kind, kind), eq(recordVersions.recordId, current.id)))
    .orderBy(asc(recordVersions.version))
    .all();
  const entries: HistoryEntry[] = old.map((v) => ({
    version: v.version,
    current: false,
    // The version was replaced at changedAt by changedBy, for reason.
    changedAt: v.changedAt,
    changedBy: v.changedBy,
    correction: v.correction,
    reason: v.reason,
    lateCorrection: v.late,
    data: JSON.parse(v.data),
  }));
  entries.push({ version: current.version, current: true, changedAt: null, changedBy: null, correction: false, reason: null, lateCorrection: false, data: current });
  return entries;
}

/** The person a record belongs to, for access checks. */
export function personOf(db: Db | Tx, staffId: string) {
  return db
    .select({ id: staff.id, name: staff.name, teamId: staff.teamId, category: staff.category, startDate: staff.startDate, fte: staff.fte, active: staff.active })
    .from(staff)
    .where(eq(staff.id, staffId))
    .get();
}

/** Drop confidential fields (causes, reasons) for a caller who may not see them. */
export function redact<T extends Record<string, unknown>>(kind: RecordKind, row: T, mayRead: boolean): T {
  if (mayRead) return row;
  const out: Record<string, unknown> = { ...row };
  for (const f of KINDS[kind].confidential) delete out[f];
  return out as T;
}
