// Replaying the audit chain: what each HR record, staff row and team should hold now,
// and what each kept version (record_versions) should hold, from the entries alone.
//
// Convention for writers: an audit entry's `data` for a create is the row written; a
// later write may carry `after` (the fields it left set), which the replay takes as is.
import type { StaffRow } from "../staff/schema.js";
import { KIND_INFO, RECORD_KINDS } from "../hr/kinds.js";

/** The staff fields the chain vouches for (not the password hash, nor sign-in counters). */
export const STAFF_AUDITED_FIELDS = ["name", "email", "roles", "teamId", "category", "startDate", "fte", "active", "createdAt"] as const;

/** What a staff update leaves set, for its audit entry's `after`. */
export const auditedStaff = (row: StaffRow) => Object.fromEntries(STAFF_AUDITED_FIELDS.map((f) => [f, row[f]]));

export type State = Record<string, unknown>;

/** What the chain vouches for, by entity; the records store knows which table holds it. */
export interface Subject {
  entity: string;
  /** The fields compared; default: every column the replayed state has. */
  fields?: readonly string[];
  apply(state: State | undefined, e: Entry, data: State, ctx: ReplayContext): State | undefined;
}

export interface ReplayContext {
  /** Team name → id, from the chain's team entries (for staff updates written before `after`). */
  teamIds: Map<string, string>;
}

export interface Entry {
  recordedAt: number;
  actorId: string;
  action: string;
  entityId: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** An HR record: created whole, changed by versioned updates, voided, confirmed, disputed. */
function hrApply(state: State | undefined, e: Entry, data: State): State | undefined {
  switch (e.action) {
    case "create":
      return data;
    case "update":
    case "correct":
      return { ...state, ...(data.to as State), version: data.version };
    case "void":
      return { ...state, voidedAt: iso(e.recordedAt), voidedBy: (data.voidedBy as string | undefined) ?? e.actorId, voidReason: data.reason };
    case "confirm":
      return { ...state, [data.as === "supervisee" ? "superviseeConfirmedAt" : "supervisorConfirmedAt"]: iso(e.recordedAt) };
    case "dispute":
      return { ...state, disputedAt: iso(e.recordedAt), disputedBy: e.actorId, disputeReason: data.reason };
    default:
      return data.after ? { ...state, ...(data.after as State) } : state;
  }
}

function staffApply(state: State | undefined, e: Entry, data: State, ctx: ReplayContext): State | undefined {
  if (e.action === "create") return data;
  if (e.action !== "update") return data.after ? { ...state, ...(data.after as State) } : state;
  if (data.after) return { ...state, ...(data.after as State) };
  // Written before updates carried `after`: the changes as the service applied them.
  const { team, email, ...rest } = data;
  const next: State = { ...state, ...rest };
  if (typeof email === "string") next.email = email.trim().toLowerCase();
  if (team !== undefined) next.teamId = team === null ? null : (ctx.teamIds.get(team as string) ?? `(team ${String(team)})`);
  return next;
}

export const SUBJECTS: Subject[] = [
  ...RECORD_KINDS.map((k): Subject => ({ entity: KIND_INFO[k].entity, apply: hrApply })),
  { entity: "staff", fields: STAFF_AUDITED_FIELDS, apply: staffApply },
  {
    entity: "team",
    fields: ["name"],
    apply: (state, e, data, ctx) => {
      if (e.action === "create" && typeof data.name === "string") ctx.teamIds.set(data.name, e.entityId);
      return e.action === "create" ? { name: data.name } : data.after ? { ...state, ...(data.after as State) } : state;
    },
  },
];
export const BY_ENTITY = new Map(SUBJECTS.map((s) => [s.entity, s]));

export type RawEntry = [seq: number, recordedAt: number, actorId: string, action: string, entity: string, entityId: string, data: string];

/**
 * What the chain says a kept version (record_versions) holds: the record as it was
 * before a change, and who made the change, when, why, and whether it made a late entry.
 */
export interface ExpectedVersion {
  pre: State;
  at: number;
  by: string;
  reason: unknown;
  correction: boolean;
  late: boolean;
}
export const ENTITY_KIND = new Map(RECORD_KINDS.map((k) => [KIND_INFO[k].entity, k]));
export const versionKey = (kind: string, recordId: string, version: unknown) => `${kind}\0${recordId}\0${String(version)}`;

export interface Replay {
  expected: Map<string, Map<string, State | undefined>>;
  versions: Map<string, ExpectedVersion>;
  ctx: ReplayContext;
}

export function replay(raw: RawEntry, r: Replay): string | undefined {
  const [, recordedAt, actorId, action, entity, entityId, text] = raw;
  const subject = BY_ENTITY.get(entity)!;
  let data: State;
  try {
    data = JSON.parse(text) as State;
  } catch {
    data = {};
  }
  const states = r.expected.get(entity)!;
  const before = states.get(entityId);
  states.set(entityId, subject.apply(before, { recordedAt, actorId, action, entityId }, data, r.ctx));
  const kind = ENTITY_KIND.get(entity);
  if (kind && before && (action === "update" || action === "correct")) {
    const key = versionKey(kind, entityId, before.version);
    r.versions.set(key, { pre: before, at: recordedAt, by: actorId, reason: data.reason ?? null, correction: action === "correct", late: data.late === true });
    return key;
  }
  return undefined;
}
