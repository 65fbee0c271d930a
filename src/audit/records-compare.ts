// Comparing record rows with the chain's replay (records-replay.ts): pure, no database.
// The records store (records-store.ts) reads the chain's entries, the rows and the kept
// versions a page at a time and feeds them to a RecordsChecker, which keeps the expected
// states and the mismatches found; what it reports names the entity, the id and the
// field — never the values, which may be confidential.
import { replay, SUBJECTS, versionKey, type ExpectedVersion, type RawEntry, type Replay, type State } from "./records-replay.js";

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

/** How a column's stored value reads in the chain's JSON. */
export type Kind = "instant" | "boolean" | "json" | "plain";
export interface Col {
  key: string;
  kind: Kind;
}
/** The compared columns of a row as read: the id first, then `cols` in order (then anything else, ignored). */
export interface RowShape {
  cols: Col[];
}

/** A kept version as read: its columns in this order, then its rowid. */
export type RawVersion = [id: string, kind: string, recordId: string, version: number, data: string, changedAt: number, changedBy: string, correction: number, reason: string | null, late: number, rowid: number];

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

function compare(entity: string, shape: RowShape, id: string, expected: State | undefined, row: readonly unknown[] | undefined, out: Mismatch[]): void {
  if (!row && !expected) return;
  if (!row) return void out.push({ entity, id, field: "*", problem: "missing" });
  if (!expected) return void out.push({ entity, id, field: "*", problem: "not_in_chain" });
  const cols = shape.cols;
  for (let i = 0; i < cols.length; i++) {
    const want = expected[cols[i]!.key];
    if (want === undefined) continue; // a column added after the entry was written
    if (differs(cols[i]!.kind, row[i + 1], want)) out.push({ entity, id, field: cols[i]!.key, problem: "changed" });
  }
}

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
 * One records check, fed in this order: the chain's entries up to the verified head
 * (`replayEntries`), every row (`compareRows`) and kept version (`compareVersions`); then,
 * in one read transaction, what was written meanwhile (`replayLater`), the versions
 * (`recheckVersions`, `compareVersions` for the new ones, `missingVersions`), the rows it
 * touched (`touched`, `recheckRow`) and the rows gone (`missingRows`).
 */
export class RecordsChecker {
  private readonly expected = new Map(SUBJECTS.map((s) => [s.entity, new Map<string, State | undefined>()]));
  private readonly r: Replay = { expected: this.expected, versions: new Map(), ctx: { teamIds: new Map() } };
  private readonly found = new Map<string, Mismatch[]>(); // "entity\0id" → its mismatches
  private readonly seen = new Map(SUBJECTS.map((s) => [s.entity, new Set<string>()]));
  private readonly versionSeen = new Map<string, RawVersion>(); // key → the row
  private readonly touchedKeys = new Set<string>();
  private readonly newVersions: string[] = [];
  private checked = 0;

  /** Entries up to the verified head. */
  replayEntries(page: readonly RawEntry[]): void {
    for (const e of page) replay(e, this.r);
  }

  /** A page of an entity's rows, each read as [id, ...shape.cols]. */
  compareRows(entity: string, shape: RowShape, rows: readonly (readonly unknown[])[]): void {
    const states = this.expected.get(entity)!;
    const ids = this.seen.get(entity)!;
    for (const row of rows) {
      const id = row[0] as string;
      ids.add(id);
      this.checked++;
      const out: Mismatch[] = [];
      compare(entity, shape, id, states.get(id), row, out);
      if (out.length) this.found.set(`${entity}\0${id}`, out);
    }
  }

  /** A page of kept versions (append-only, so a row read once stays as read unless tampered with). */
  compareVersions(rows: readonly RawVersion[]): void {
    for (const v of rows) {
      const key = versionKey(v[1], v[2], v[3]);
      this.versionSeen.set(key, v);
      this.checked++;
      const out: Mismatch[] = [];
      compareVersion(v, this.r.versions.get(key), out);
      if (out.length) this.found.set(`record_version\0${key}`, out);
    }
  }

  /** Entries written while the pages above were read: the rows they touch are read again. */
  replayLater(page: readonly RawEntry[]): void {
    for (const e of page) {
      const v = replay(e, this.r);
      if (v) this.newVersions.push(v);
      this.touchedKeys.add(`${e[4]}\0${e[5]}`);
    }
  }

  /** Versions read before their chain entry was replayed (by replayLater), compared again. */
  recheckVersions(): void {
    for (const key of this.newVersions) {
      const v = this.versionSeen.get(key);
      if (!v) continue;
      const out: Mismatch[] = [];
      compareVersion(v, this.r.versions.get(key), out);
      if (out.length) this.found.set(`record_version\0${key}`, out);
      else this.found.delete(`record_version\0${key}`);
    }
  }

  /** Versions the chain says were kept and no longer there (after every version was read). */
  missingVersions(): void {
    for (const key of this.r.versions.keys()) {
      if (this.versionSeen.has(key)) continue;
      const [kind, recordId, version] = key.split("\0") as [string, string, string];
      this.found.set(`record_version\0${key}`, [{ entity: "record_version", id: `${kind}/${recordId}/v${version}`, field: "*", problem: "missing" }]);
    }
  }

  /** The rows replayLater touched, as [entity, id]. */
  *touched(): Generator<[entity: string, id: string]> {
    for (const key of this.touchedKeys) yield key.split("\0") as [string, string];
  }

  /** A touched row as it is now (undefined: not there), settled whether there or not. */
  recheckRow(entity: string, shape: RowShape, id: string, row: readonly unknown[] | undefined): void {
    const key = `${entity}\0${id}`;
    const ids = this.seen.get(entity)!;
    if (row && !ids.has(id)) this.checked++;
    ids.add(id);
    const out: Mismatch[] = [];
    compare(entity, shape, id, this.expected.get(entity)!.get(id), row, out);
    if (out.length) this.found.set(key, out);
    else this.found.delete(key);
  }

  /** Rows the chain created and that are no longer there, for the entities whose table was read. */
  missingRows(entities: Iterable<string>): void {
    for (const entity of entities) {
      const ids = this.seen.get(entity)!;
      for (const [id, state] of this.expected.get(entity)!) {
        if (state && !ids.has(id)) this.found.set(`${entity}\0${id}`, [{ entity, id, field: "*", problem: "missing" }]);
      }
    }
  }

  result(): RecordsCheck {
    const all = [...this.found.values()].flat();
    return { checked: this.checked, mismatchCount: all.length, mismatches: all.slice(0, MAX_LISTED) };
  }
}
