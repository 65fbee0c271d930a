// The records check's reads: the chain's entries, every HR record, staff and team row,
// and the versions record_versions kept, a page at a time, fed to the pure
// RecordsChecker (records-compare.ts). Reads only: this store writes nothing, and the
// tables it reads belong to hr/ and staff/ (audit_log is audit's own).
import { getTableColumns, getTableName, sql, type Column } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db, Tx } from "../db/connection.js";
import { clientOf, prepared } from "../db/prepared.js";
import { storeFor } from "../db/store-kit.js";
import { RECORD_KINDS } from "../hr/kinds.js";
import { KINDS } from "../hr/store/kinds.js";
import { staff, teams } from "../staff/schema.js";
import { RecordsChecker, type Col, type RawVersion, type RecordsCheck, type RowShape } from "./records-compare.js";
import { SUBJECTS, type RawEntry, type Subject } from "./records-replay.js";
import { auditLog } from "./schema.js";

const PAGE = 2000;

/** The table holding each entity the chain vouches for. */
const TABLES = new Map<string, SQLiteTable>([...RECORD_KINDS.map((k): [string, SQLiteTable] => [KINDS[k].entity, KINDS[k].table]), ["staff", staff], ["team", teams]]);

const ENTITY_LIST = SUBJECTS.map((s) => `'${s.entity}'`).join(", ");

// The hot loops run on hand-prepared statements with raw rows (drizzle's mapping cost
// more than the comparing). "+entity" keeps SQLite on the seq key: by the entity index
// each page would gather and sort every matching row again.
const ENTRIES_SQL = `SELECT seq, recorded_at, actor_id, action, entity, entity_id, data FROM audit_log WHERE seq > ? AND seq <= ? AND +entity IN (${ENTITY_LIST}) ORDER BY seq LIMIT ?`;

interface Reader extends RowShape {
  page: string;
  one: string;
}

/**
 * The columns to read: the compared ones that this file's table has (the CLI reads a
 * database as it is, perhaps from an older release). Null when the table is absent.
 */
function readerOf(db: Db, subject: Subject): Reader | null {
  const table = TABLES.get(subject.entity)!;
  const name = getTableName(table);
  const present = new Set((clientOf(db).prepare(`PRAGMA table_info("${name.replace(/"/g, '""')}")`).all() as { name: string }[]).map((c) => c.name));
  if (!present.has("id")) return null;
  const columns = getTableColumns(table) as Record<string, Column>;
  const wanted = (subject.fields ?? Object.keys(columns)).filter((k) => k !== "id" && columns[k] && present.has(columns[k].name));
  const cols = wanted.map((key): Col => {
    const t = columns[key]!.columnType;
    return { key, kind: t === "SQLiteTimestamp" ? "instant" : t === "SQLiteBoolean" ? "boolean" : t === "SQLiteTextJson" ? "json" : "plain" };
  });
  const list = ["id", ...wanted.map((k) => columns[k]!.name)].map((c) => `"${c}"`).join(", ");
  // Paged in rowid order (the table's own order: half the cost of walking the id index).
  return { cols, page: `SELECT ${list}, rowid FROM "${name}" WHERE rowid > ? ORDER BY rowid LIMIT ?`, one: `SELECT ${list} FROM "${name}" WHERE id = ?` };
}

/** The kept versions, in the order written. Null when this file has no such table. */
function versionsReader(db: Db): string | null {
  const present = new Set((clientOf(db).prepare(`PRAGMA table_info("record_versions")`).all() as { name: string }[]).map((c) => c.name));
  if (!present.has("id")) return null;
  const late = present.has("late") ? "late" : "0";
  return `SELECT id, kind, record_id, version, data, changed_at, changed_by, correction, reason, ${late}, rowid FROM record_versions WHERE rowid > ? ORDER BY rowid LIMIT ?`;
}

/**
 * Replay the chain up to `upToSeq` (the head the chain check verified), compare every
 * row, then — in one read transaction, so nothing can slip between — replay what was
 * written meanwhile and compare again the rows it touched. Yields between pages so an
 * async caller can give the event loop a turn.
 */
export function* walkRecords(db: Db, upToSeq: number): Generator<void, RecordsCheck> {
  const check = new RecordsChecker();
  const entries = (h: Db | Tx, after: number, upTo: number) => prepared(h, ENTRIES_SQL).raw(true).all(after, upTo, PAGE) as RawEntry[];
  for (let after = 0; ; ) {
    const page = entries(db, after, upToSeq);
    check.replayEntries(page);
    if (page.length < PAGE) break;
    after = page[page.length - 1]![0];
    yield;
  }

  const readers = new Map(SUBJECTS.map((s) => [s.entity, readerOf(db, s)]));
  for (const subject of SUBJECTS) {
    const reader = readers.get(subject.entity);
    if (!reader) continue;
    for (let last = 0; ; ) {
      const rows = prepared(db, reader.page).raw(true).all(last, PAGE) as unknown[][];
      check.compareRows(subject.entity, reader, rows);
      if (rows.length < PAGE) break;
      const end = rows[rows.length - 1]!;
      last = end[end.length - 1] as number;
      yield;
    }
  }

  // Kept versions: append-only, so a row read once stays as read unless tampered with.
  const versionsSql = versionsReader(db);
  let lastVersion = 0;
  const checkVersions = (h: Db | Tx) => {
    const rows = prepared(h, versionsSql!).raw(true).all(lastVersion, PAGE) as RawVersion[];
    check.compareVersions(rows);
    if (rows.length) lastVersion = rows[rows.length - 1]![10];
    return rows.length === PAGE;
  };
  if (versionsSql) while (checkVersions(db)) yield;

  db.transaction(
    (tx) => {
      // What was written while the pages above were read, and the rows it touched, now.
      for (let after = upToSeq; ; ) {
        const page = entries(tx, after, Number.MAX_SAFE_INTEGER);
        check.replayLater(page);
        if (page.length < PAGE) break;
        after = page[page.length - 1]![0];
      }
      if (versionsSql) {
        // Versions kept meanwhile, and those read before their chain entry was replayed.
        check.recheckVersions();
        while (checkVersions(tx));
        check.missingVersions();
      }
      for (const [entity, id] of check.touched()) {
        const reader = readers.get(entity);
        if (!reader) continue;
        check.recheckRow(entity, reader, id, prepared(tx, reader.one).raw(true).get(id) as unknown[] | undefined);
      }
      // Created by the chain and no longer there.
      check.missingRows(SUBJECTS.filter((s) => readers.get(s.entity)).map((s) => s.entity));
    },
    { behavior: "deferred" },
  );

  return check.result();
}

/** The records check in one go (the CLI's synchronous path, tests, the bench). */
export function checkRecords(db: Db, upToSeq: number): RecordsCheck {
  const walk = walkRecords(db, upToSeq);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

/** The highest seq in the chain (0 when empty). */
export const maxSeq = (db: Db) => db.select({ n: sql<number | null>`max(${auditLog.seq})` }).from(auditLog).get()?.n ?? 0;

export interface RecordsStore {
  /** Every record row against the chain up to `upToSeq`, giving the event loop a turn between pages. */
  check(upToSeq: number): Promise<RecordsCheck>;
  /** The highest seq in the chain (0 when empty). */
  maxSeq(): Promise<number>;
}

export const recordsStore = storeFor<RecordsStore>((db) => ({
  async check(upToSeq) {
    const walk = walkRecords(db, upToSeq);
    for (;;) {
      const step = walk.next();
      if (step.done) return step.value;
      await new Promise((r) => setImmediate(r));
    }
  },
  async maxSeq() {
    return maxSeq(db);
  },
}));
