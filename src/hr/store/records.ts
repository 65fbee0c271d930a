// The integrity kernel's table access: every HR record is inserted, corrected (the old
// version kept in record_versions), voided and read back through here, each write with
// its audit row in the same transaction. The rules (what a change corrects, what it
// needs, what a void needs) are pure, in ../records.ts; this file only reads and writes.
//
// The plain `tx` functions are for the other HR stores (and the records benchmark),
// inside their own write transaction; services use `recordsStore(db)`.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { and, asc, eq, sql } from "drizzle-orm";
import type { CurrentUser } from "../../deps.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { Conflict, NotFound } from "../../errors.js";
import { staff } from "../../staff/schema.js";
import { recordVersions } from "../schema.js";
import { historyOf, planChange, voidReason, type ChangeOptions, type HistoryEntry, type RecordRow, type Stamp } from "../records.js";
import { RECORD_KINDS, type RecordKind } from "../kinds.js";
import type { SupervisorRef } from "../access.js";
import { KINDS } from "./kinds.js";

/** The person a record belongs to, as access checks and the rules need them. */
export interface Person {
  id: string;
  name: string;
  teamId: string | null;
  category: CurrentUser["category"];
  startDate: string | null;
  fte: number;
  active: boolean;
}

const personColumns = { id: staff.id, name: staff.name, teamId: staff.teamId, category: staff.category, startDate: staff.startDate, fte: staff.fte, active: staff.active };

/** The person a record belongs to, for access checks (inside a transaction). */
export function personOf(tx: Db | Tx, staffId: string): Person | undefined {
  return tx.select(personColumns).from(staff).where(eq(staff.id, staffId)).get();
}

/** What maySupervise needs of a would-be supervisor. */
export function supervisorOf(tx: Db | Tx, staffId: string): SupervisorRef | undefined {
  return tx.select({ id: staff.id, roles: staff.roles, teamId: staff.teamId, active: staff.active }).from(staff).where(eq(staff.id, staffId)).get();
}

export function getRecord<T extends RecordRow = RecordRow>(tx: Db | Tx, kind: RecordKind, id: string): T | undefined {
  const t = KINDS[kind].table;
  return tx.select().from(t).where(eq(t.id, id)).get() as T | undefined;
}

/** The record, or 404. */
export function requireRecord<T extends RecordRow = RecordRow>(tx: Db | Tx, kind: RecordKind, id: string): T {
  const row = getRecord<T>(tx, kind, id);
  if (!row) throw new NotFound("record");
  return row;
}

/** Insert a stamped record and its audit row (for other stores, inside their writeTx). */
export function insertRecord<T extends RecordRow>(tx: Tx, kind: RecordKind, values: Record<string, unknown>, actor: Actor, now: Date): T {
  const info = KINDS[kind];
  const row = tx.insert(info.table).values(values as any).returning().get() as T;
  appendAudit(tx, actor, { action: "create", entity: info.entity, entityId: row.id, data: row }, now);
  return row;
}

/**
 * Change fields of a record as planChange (../records.ts) decides: the previous version
 * is kept in record_versions and the version number moves on; a record changed
 * meanwhile (its version moved) is a 409. For other stores, inside their writeTx.
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
  const plan = planChange(kind, before, changes, opts);
  if (!plan) return { row: before, corrected: [] };
  const { set, corrected, reason: why, late } = plan;
  const info = KINDS[kind];
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

/** Void a record with a reason: it stays, marked void, and stops counting. For other stores, inside their writeTx. */
export function voidRecord<T extends RecordRow>(tx: Tx, kind: RecordKind, before: T, reason: string, actor: Actor & { type: "staff" }, now: Date): T {
  const why = voidReason(before, reason);
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

/** A check on a record and its person that throws (NotFound, Forbidden...) to refuse. */
export type Authorise<T extends RecordRow = RecordRow> = (row: T, person: Person) => void;

export interface RecordsStore {
  /** The person (for access checks), or undefined. */
  person(staffId: string): Promise<Person | undefined>;
  /** A would-be supervisor (for maySupervise), or undefined. */
  supervisor(staffId: string): Promise<SupervisorRef | undefined>;
  /** A staff member as a signed-in user would be (the demo acts as them). */
  user(staffId: string): Promise<CurrentUser | undefined>;
  record<T extends RecordRow = RecordRow>(kind: RecordKind, id: string): Promise<T | undefined>;
  /** Insert a stamped record (recorded at its recordedAt) with its audit row. */
  add<T extends RecordRow = RecordRow>(kind: RecordKind, values: Record<string, unknown> & Stamp, actor: Actor): Promise<T>;
  /**
   * Change a record: `decide` (pure) sees it and its person, throws to refuse, and says
   * which changes to make with what reasons; then the kernel's correction rules apply.
   * 404 for an unknown record.
   */
  change<T extends RecordRow = RecordRow>(
    kind: RecordKind,
    id: string,
    decide: (before: T, person: Person) => { changes: Record<string, unknown>; opts: ChangeOptions },
    actor: Actor & { type: "staff" },
    now: Date,
  ): Promise<{ row: T; person: Person; corrected: string[] }>;
  /** Void a record once `authorise` lets the caller; 404 for an unknown record or person. */
  void<T extends RecordRow = RecordRow>(kind: RecordKind, id: string, reason: string, authorise: Authorise<T>, actor: Actor & { type: "staff" }, now: Date): Promise<{ row: T; person: Person }>;
  /** Every version of a record, oldest first, once `authorise` lets the caller read it; 404 for an unknown one. */
  history<T extends RecordRow = RecordRow>(kind: RecordKind, id: string, authorise: Authorise<T>): Promise<{ row: T; person: Person; entries: HistoryEntry[] }>;
}

export const recordsStore = storeFor<RecordsStore>((db) => {
  const personById = db.select(personColumns).from(staff).where(eq(staff.id, sql.placeholder("id"))).prepare();
  const userById = db
    .select({ id: staff.id, name: staff.name, email: staff.email, roles: staff.roles, teamId: staff.teamId, category: staff.category })
    .from(staff)
    .where(eq(staff.id, sql.placeholder("id")))
    .prepare();
  const byId = Object.fromEntries(
    RECORD_KINDS.map((k) => {
      const t = KINDS[k].table;
      return [k, db.select().from(t).where(eq(t.id, sql.placeholder("id"))).prepare()];
    }),
  ) as unknown as Record<RecordKind, { get(p: { id: string }): unknown }>;
  const versions = db
    .select()
    .from(recordVersions)
    .where(and(eq(recordVersions.kind, sql.placeholder("kind")), eq(recordVersions.recordId, sql.placeholder("id"))))
    .orderBy(asc(recordVersions.version))
    .prepare();
  const recordAndPerson = <T extends RecordRow>(kind: RecordKind, id: string): { row: T; person: Person } => {
    const row = byId[kind].get({ id }) as T | undefined;
    const person = row && personById.get({ id: row.staffId });
    if (!row || !person) throw new NotFound("record");
    return { row, person };
  };

  return {
    async person(staffId) {
      return personById.get({ id: staffId });
    },
    async supervisor(staffId) {
      return supervisorOf(db, staffId);
    },
    async user(staffId) {
      return userById.get({ id: staffId });
    },
    async record<T extends RecordRow>(kind: RecordKind, id: string) {
      return byId[kind].get({ id }) as T | undefined;
    },
    async add<T extends RecordRow>(kind: RecordKind, values: Record<string, unknown> & Stamp, actor: Actor) {
      return writeTx(db, (tx) => insertRecord<T>(tx, kind, values, actor, values.recordedAt));
    },
    async change<T extends RecordRow>(
      kind: RecordKind,
      id: string,
      decide: (before: T, person: Person) => { changes: Record<string, unknown>; opts: ChangeOptions },
      actor: Actor & { type: "staff" },
      now: Date,
    ) {
      return writeTx(db, (tx) => {
        const before = requireRecord<T>(tx, kind, id);
        const person = personOf(tx, before.staffId)!;
        const { changes, opts } = decide(before, person);
        return { ...updateRecord<T>(tx, kind, before, changes, opts, actor, now), person };
      });
    },
    async void<T extends RecordRow>(kind: RecordKind, id: string, reason: string, authorise: Authorise<T>, actor: Actor & { type: "staff" }, now: Date) {
      return writeTx(db, (tx) => {
        const { row, person } = recordAndPerson<T>(kind, id);
        authorise(row, person);
        return { row: voidRecord<T>(tx, kind, row, reason, actor, now), person };
      });
    },
    async history<T extends RecordRow>(kind: RecordKind, id: string, authorise: Authorise<T>) {
      const { row, person } = recordAndPerson<T>(kind, id);
      authorise(row, person);
      return { row, person, entries: historyOf(versions.all({ kind, id }), row) };
    },
  };
});
