// The integrity kernel every HR record goes through:
// the server stamps who and when, effective dates may not be in the future and
// need a reason when more than 7 days old, nothing is deleted (void with a reason),
// and a correction keeps the old version in the append-only record_versions table.
// Every write appends to the audit chain in the same transaction.
//
// This file is the kernel's rules, pure: what a new record is stamped with, what a
// change corrects and what it needs, what a void needs, what a reader may see. The
// table access (insert, correct, void, history) is store/records.ts, which calls these.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Deps } from "../deps.js";
import type { Actor } from "../audit/chain.js";
import { Conflict, InvalidInput, RuleViolation } from "../errors.js";
import { localDay } from "../calendar/days.js";
import { checkEffectiveDate, isLateCorrection } from "./rules/integrity.js";
import { HR_POLICY } from "./policy.js";
import { reasonProblem, trimReason } from "./reason.js";
import { KIND_INFO, type RecordKind } from "./kinds.js";

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

export type RecordRow = Record<string, any> & {
  id: string;
  staffId: string;
  version: number;
  voidedAt: Date | null;
  recordedBy: string;
};

/** Today, as a local calendar day in the service's zone. */
export const todayOf = (deps: Deps) => localDay(deps.clock.now(), deps.config.TZ_LOCAL);

export type Stamp = {
  recordedAt: Date;
  recordedBy: string;
  late: boolean;
  lateEntryReason: string | null;
};

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

const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

export interface ChangeOptions {
  /** Why a value already set is changed (needed for a correction). */
  reason?: string;
  /** Needed when the change moves the effective date back into a late entry. */
  lateEntryReason?: string;
  /** Today, as a local day (todayOf). */
  today: string;
}

/** What a change does to a record, decided before anything is written. */
export interface ChangePlan {
  /** The fields set (with late and lateEntryReason when the change makes a late entry). */
  set: Record<string, unknown>;
  /** Fields whose value already set is changed (a correction). */
  corrected: string[];
  /** The reason given, trimmed (null when none). */
  reason: string | null;
  /** The change moves the effective date back into a late entry. */
  late: boolean;
}

/**
 * What changing fields of a record does. Filling a blank is an update; changing a value
 * already set is a correction and needs a reason. Moving the effective date back to more
 * than 7 days ago is a late entry, as if the record were entered so: it needs a
 * lateEntryReason and flags the record late. Null when nothing changes. Throws 409 for a
 * void record, 422/400 for a missing or meaningless reason.
 */
export function planChange(kind: RecordKind, before: RecordRow, changes: Record<string, unknown>, opts: ChangeOptions): ChangePlan | null {
  if (before.voidedAt) throw new Conflict("This record is void and cannot be changed.");
  const changed = Object.keys(changes).filter((k) => changes[k] !== undefined && !same(before[k], changes[k]));
  if (changed.length === 0) return null;
  const corrected = changed.filter((k) => before[k] !== null && before[k] !== undefined);
  const why = givenReason("reason", opts.reason);
  if (corrected.length > 0 && !why) {
    const message = `Changing ${corrected.join(", ")} corrects a value already recorded: give a reason.`;
    throw new RuleViolation(message, [{ path: "reason", message }]);
  }
  const set: Record<string, unknown> = Object.fromEntries(changed.map((k) => [k, changes[k]]));
  const eff = KIND_INFO[kind].effective;
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
  return { set, corrected, reason: why, late };
}

/** The reason a void is recorded with: 400 without one, 409 when already void. */
export function voidReason(before: RecordRow, reason: string): string {
  const why = givenReason("reason", reason);
  if (!why) throw new InvalidInput([{ path: "reason", message: "A void needs a reason." }]);
  if (before.voidedAt) throw new Conflict("This record is already void.");
  return why;
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

/** A kept version as record_versions holds it. */
export interface KeptVersion {
  version: number;
  data: string;
  changedAt: Date;
  changedBy: string;
  correction: boolean;
  reason: string | null;
  late: boolean;
}

/** Every version of a record, oldest first (`old` in version order), the current one last. */
export function historyOf(old: readonly KeptVersion[], current: RecordRow): HistoryEntry[] {
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

/** Drop confidential fields (causes, reasons) for a caller who may not see them. */
export function redact<T extends Record<string, unknown>>(kind: RecordKind, row: T, mayRead: boolean): T {
  if (mayRead) return row;
  const out: Record<string, unknown> = { ...row };
  for (const f of KIND_INFO[kind].confidential) delete out[f];
  return out as T;
}
