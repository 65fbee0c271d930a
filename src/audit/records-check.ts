// Records against the audit chain. The chain proves what was written; records-replay.ts
// replays it, and this compares the result with the rows as they are now — HR
// records, staff, teams, and the versions record_versions kept of corrected records.
// A row edited straight in the database file (a changed cause, a moved date, an added
// role), a row added outside the service, or one deleted, shows as a mismatch naming
// the entity, the id and the field — never the values, which may be confidential.
import { getTableColumns, getTableName, sql, type Column } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { clientOf, prepared } from "../db/prepared.js";
import { auditLog } from "./schema.js";
import { type Checkpoint, type VerifyResult } from "./chain.js";
import { verifyChain, verifyChainAsync } from "./store.js";
import { replay, SUBJECTS, versionKey, type ExpectedVersion, type RawEntry, type Replay, type State, type Subject } from "./records-replay.js";

export { STAFF_AUDITED_FIELDS, auditedStaff } from "./records-replay.js";

export interface Mismatch {
  entity: string;
  id: string;
  /** The field that differs; "*" for the whole row. */
  field: string;
  /** changed: a field differs; not_in_chain: a row no audit entry created; missing: created, then gone. */
  problem: "changed" | "not_in_chain" | "missing";
}

export interface RecordsCheck {
  /** Rows compared. */
  checked: number;
  /** All mismatches found (the list below stops at MAX_LISTED). */
  mismatchCount: number;
  mismatches: Mismatch[];
}

export const MAX_LISTED = 1000;
const PAGE = 2000;

const ENTITY_LIST = SUBJECTS.map((s) => `'${s.entity}'`).join(", ");

// The hot loops run on hand-prepared statements with raw rows (drizzle's mapping cost
// more than the comparing). "+entity" keeps SQLite on the seq key: by the entity index
// each page would gather and sort every matching row again.
const ENTRIES_SQL = `SELECT seq, recorded_at, actor_id, action, entity, entity_id, data FROM audit_log WHERE seq > ? AND seq <= ? AND +entity IN (${ENTITY_LIST}) ORDER BY seq LIMIT ?`;

/** How a column's stored value reads in the chain's JSON. */
type Kind = "instant" | "boolean" | "json" | "plain";
interface Col {
  key: string;
  kind: Kind;
}
interface Reader {
  cols: Col[];
  page: string;
  one: string;
}

/**
 * The columns to read: the compared ones that this file's table has (the CLI reads a
 * database as it is, perhaps from an older release). Null when the table is absent.
 */
function readerOf(db: Db, subject: Subject): Reader | null {
  const name = getTableName(subject.table);
  const present = new Set((clientOf(db).prepare(`PRAGMA table_info("${name.replace(/"/g, '""')}")`).all() as { name: string }[]).map((c) => c.name));
  if (!present.has("id")) return null;
  const columns = getTableColumns(subject.table) as Record<string, Column>;
  const wanted = (subject.fields ?? Object.keys(columns)).filter((k) => k !== "id" && columns[k] && present.has(columns[k].name));
  const cols = wanted.map((key): Col => {
    const t = columns[key]!.columnType;
    return { key, kind: t === "SQLiteTimestamp" ? "instant" : t === "SQLiteBoolean" ? "boolean" : t === "SQLiteTextJson" ? "json" : "plain" };
  });
  const list = ["id", ...wanted.map((k) => columns[k]!.name)].map((c) => `"${c}"`).join(", ");
  // Paged in rowid order (the table's own order: half the cost of walking the id index).
  return { cols, page: `SELECT ${list}, rowid FROM "${name}" WHERE rowid > ? ORDER BY rowid LIMIT ?`, one: `SELECT ${list} FROM "${name}" WHERE id = ?` };
}

function differs(kind: Kind, stored: unknown, expected: unknown): boolean {
  if (stored === null || expected === null) return stored !== expected;
  switch (kind) {
    case "instant":
      return stored !== Date.parse(expected as string);
    case "boolean":
      return (stored === 1) !== expected;
    case "json":
      return stored !== JSON.stringify(expected);
    default:
      return stored !== expected;
  }
}

function compare(entity: string, reader: Reader, id: string, expected: State | undefined, row: unknown[] | undefined, out: Mismatch[]): void {
  if (!row && !expected) return;
  if (!row) return void out.push({ entity, id, field: "*", problem: "missing" });
  if (!expected) return void out.push({ entity, id, field: "*", problem: "not_in_chain" });
  const cols = reader.cols;
  for (let i = 0; i < cols.length; i++) {
    const want = expected[cols[i]!.key];
    if (want === undefined) continue; // a column added after the entry was written
    if (differs(cols[i]!.kind, row[i + 1], want)) out.push({ entity, id, field: cols[i]!.key, problem: "changed" });
  }
}

/** The kept versions, in the order written. Null when this file has no such table. */
function versionsReader(db: Db): string | null {
  const present = new Set((clientOf(db).prepare(`PRAGMA table_info("record_versions")`).all() as { name: string }[]).map((c) => c.name));
  if (!present.has("id")) return null;
  const late = present.has("late") ? "late" : "0";
  return `SELECT id, kind, record_id, version, data, changed_at, changed_by, correction, reason, ${late}, rowid FROM record_versions WHERE rowid > ? ORDER BY rowid LIMIT ?`;
}
type RawVersion = [id: string, kind: string, recordId: string, version: number, data: string, changedAt: number, changedBy: string, correction: number, reason: string | null, late: number, rowid: number];

function compareVersion(v: RawVersion, exp: ExpectedVersion | undefined, out: Mismatch[]): void {
  const entity = "record_version";
  const id = v[0];
  if (!exp) return void out.push({ entity, id, field: "*", problem: "not_in_chain" });
  const push = (field: string) => out.push({ entity, id, field, problem: "changed" });
  if (v[5] !== exp.at) push("changedAt");
  if (v[6] !== exp.by) push("changedBy");
  if ((v[7] === 1) !== exp.correction) push("correction");
  if (v[8] !== exp.reason) push("reason");
  if ((v[9] === 1) !== exp.late) push("late");
  let data: State;
  try {
    data = JSON.parse(v[4]) as State;
  } catch {
    push("data");
    return;
  }
  for (const k of Object.keys(exp.pre)) if (JSON.stringify(data[k] ?? null) !== JSON.stringify(exp.pre[k] ?? null)) push(`data.${k}`);
}

/**
 * Replay the chain up to `upToSeq` (the head the chain check verified), compare every
 * row, then — in one read transaction, so nothing can slip between — replay what was
 * written meanwhile and compare again the rows it touched. Yields between pages so the
 * API's caller can give the event loop a turn.
 */
export function* walkRecords(db: Db, upToSeq: number): Generator<void, RecordsCheck> {
  const expected = new Map(SUBJECTS.map((s) => [s.entity, new Map<string, State | undefined>()]));
  const r: Replay = { expected, versions: new Map(), ctx: { teamIds: new Map() } };
  const entries = (h: Db | Tx, after: number, upTo: number) => prepared(h, ENTRIES_SQL).raw(true).all(after, upTo, PAGE) as RawEntry[];
  for (let after = 0; ; ) {
    const page = entries(db, after, upToSeq);
    for (const e of page) replay(e, r);
    if (page.length < PAGE) break;
    after = page[page.length - 1]![0];
    yield;
  }

  const readers = new Map(SUBJECTS.map((s) => [s.entity, readerOf(db, s)]));
  const found = new Map<string, Mismatch[]>(); // "entity\0id" → its mismatches
  const seen = new Map(SUBJECTS.map((s) => [s.entity, new Set<string>()]));
  let checked = 0;
  for (const subject of SUBJECTS) {
    const reader = readers.get(subject.entity);
    if (!reader) continue;
    const states = expected.get(subject.entity)!;
    const ids = seen.get(subject.entity)!;
    for (let last = 0; ; ) {
      const rows = prepared(db, reader.page).raw(true).all(last, PAGE) as unknown[][];
      for (const row of rows) {
        const id = row[0] as string;
        ids.add(id);
        checked++;
        const out: Mismatch[] = [];
        compare(subject.entity, reader, id, states.get(id), row, out);
        if (out.length) found.set(`${subject.entity}\0${id}`, out);
      }
      if (rows.length < PAGE) break;
      const end = rows[rows.length - 1]!;
      last = end[end.length - 1] as number;
      yield;
    }
  }

  // Kept versions: append-only, so a row read once stays as read unless tampered with.
  const versionsSql = versionsReader(db);
  const versionSeen = new Map<string, RawVersion>(); // key → the row
  let lastVersion = 0;
  const checkVersions = (h: Db | Tx) => {
    const rows = prepared(h, versionsSql!).raw(true).all(lastVersion, PAGE) as RawVersion[];
    for (const v of rows) {
      const key = versionKey(v[1], v[2], v[3]);
      versionSeen.set(key, v);
      checked++;
      const out: Mismatch[] = [];
      compareVersion(v, r.versions.get(key), out);
      if (out.length) found.set(`record_version\0${key}`, out);
    }
    if (rows.length) lastVersion = rows[rows.length - 1]![10];
    return rows.length === PAGE;
  };
  if (versionsSql) while (checkVersions(db)) yield;

  db.transaction(
    (tx) => {
      // What was written while the pages above were read, and the rows it touched, now.
      const touched = new Set<string>();
      const newVersions: string[] = [];
      for (let after = upToSeq; ; ) {
        const page = entries(tx, after, Number.MAX_SAFE_INTEGER);
        for (const e of page) {
          const v = replay(e, r);
          if (v) newVersions.push(v);
          touched.add(`${e[4]}\0${e[5]}`);
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1]![0];
      }
      if (versionsSql) {
        // Versions kept meanwhile, and those read before their chain entry was replayed.
        for (const key of newVersions) {
          const v = versionSeen.get(key);
          if (!v) continue;
          const out: Mismatch[] = [];
          compareVersion(v, r.versions.get(key), out);
          if (out.length) found.set(`record_version\0${key}`, out);
          else found.delete(`record_version\0${key}`);
        }
        while (checkVersions(tx));
        for (const key of r.versions.keys()) {
          if (versionSeen.has(key)) continue;
          const [kind, recordId, version] = key.split("\0") as [string, string, string];
          found.set(`record_version\0${key}`, [{ entity: "record_version", id: `${kind}/${recordId}/v${version}`, field: "*", problem: "missing" }]);
        }
      }
      for (const key of touched) {
        const [entity, id] = key.split("\0") as [string, string];
        const reader = readers.get(entity);
        if (!reader) continue;
        const row = prepared(tx, reader.one).raw(true).get(id) as unknown[] | undefined;
        const ids = seen.get(entity)!;
        if (row && !ids.has(id)) checked++;
        ids.add(id); // settled here, whether the row is there or not
        const out: Mismatch[] = [];
        compare(entity, reader, id, expected.get(entity)!.get(id), row, out);
        if (out.length) found.set(key, out);
        else found.delete(key);
      }
      // Created by the chain and no longer there.
      for (const subject of SUBJECTS) {
        if (!readers.get(subject.entity)) continue;
        const ids = seen.get(subject.entity)!;
        for (const [id, state] of expected.get(subject.entity)!) {
          if (state && !ids.has(id)) found.set(`${subject.entity}\0${id}`, [{ entity: subject.entity, id, field: "*", problem: "missing" }]);
        }
      }
    },
    { behavior: "deferred" },
  );

  const all = [...found.values()].flat();
  return { checked, mismatchCount: all.length, mismatches: all.slice(0, MAX_LISTED) };
}

export function checkRecords(db: Db, upToSeq: number): RecordsCheck {
  const walk = walkRecords(db, upToSeq);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

export interface FullVerifyResult extends VerifyResult {
  records: { checked: number; mismatchCount: number };
  mismatches: Mismatch[];
}

const maxSeq = (db: Db) => db.select({ n: sql<number | null>`max(${auditLog.seq})` }).from(auditLog).get()?.n ?? 0;

function merge(chain: VerifyResult, records: RecordsCheck): FullVerifyResult {
  const ok = chain.ok && records.mismatchCount === 0;
  const problem = chain.problem ?? (records.mismatchCount ? `${records.mismatchCount} record field(s) differ from what the audit chain says was written` : undefined);
  return { ...chain, ok, ...(problem ? { problem } : {}), records: { checked: records.checked, mismatchCount: records.mismatchCount }, mismatches: records.mismatches };
}

/** The chain (verifyChain), then every record row against it. */
export function verifyAuditAndRecords(db: Db, checkpoint?: Checkpoint): FullVerifyResult {
  const chain = verifyChain(db, checkpoint);
  return merge(chain, checkRecords(db, chain.head?.seq ?? maxSeq(db)));
}

/** The same, giving the event loop a turn between pages (the API's path). */
export async function verifyAuditAndRecordsAsync(db: Db, checkpoint?: Checkpoint): Promise<FullVerifyResult> {
  const chain = await verifyChainAsync(db, checkpoint);
  const walk = walkRecords(db, chain.head?.seq ?? maxSeq(db));
  for (;;) {
    const step = walk.next();
    if (step.done) return merge(chain, step.value);
    await new Promise((r) => setImmediate(r));
  }
}
