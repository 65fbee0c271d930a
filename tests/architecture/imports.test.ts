// Import rules for src/ (issue 10): the shape the code must keep, checked on every run.
// - Only store files touch the database: outside a store, nothing value-imports a table,
//   drizzle-orm, the prepared-statement helper or writeTx. A store file is `store.ts`,
//   `*-store.ts` or a file under `store/`; `schema.ts` files and `src/db/` are the
//   database's own plumbing.
// - Only the watch module (src/lone-working/watch/) writes a visit's watch columns
//   (next_check_in_due, overdue_alert_id), so when a visit is next due has one author.
// - Escalation decides who is told; it never imports a channel (delivery/channels/).
// - Delivery sends what it is given; it never imports the ladder.
// - No lone-working file outside a store imports `Tx` (even as a type): passes and services
//   await store use cases and never hold a transaction.
// - No import cycle anywhere: a cycle means two modules each need the other to load, so
//   neither can be read, tested or replaced alone (alerts/service and visits/service once
//   imported each other). Type-only imports are erased at compile time and do not count
//   for cycles or the store rule; for the two direction rules any import counts.
import { describe, expect, it } from "vitest";
import { is, Table } from "drizzle-orm";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** The relative modules a file imports for their values (not `import type`). */
export function valueImports(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)([^;]*?)\s+from\s+"(\.[^"]+)"/gms)) {
    const names = m[2]!;
    // `import { type A, type B } from` brings in no value either.
    const inBraces = /^\{([^}]*)\}$/.exec(names.trim());
    if (inBraces && inBraces[1]!.split(",").every((n) => !n.trim() || /^type\s/.test(n.trim()))) continue;
    const base = join(dirname(file), m[3]!).replace(/\.js$/, "");
    const hit = [".ts", ".tsx"].map((x) => base + x).find(existsSync);
    if (hit) out.push(hit);
  }
  for (const m of text.matchAll(/^\s*import\s+"(\.[^"]+)"/gm)) {
    const base = join(dirname(file), m[1]!).replace(/\.js$/, "");
    const hit = [".ts", ".tsx"].map((x) => base + x).find(existsSync);
    if (hit) out.push(hit);
  }
  return out;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("imports in src/", () => {
  it("the checker finds a cycle when there is one (and ignores type-only imports)", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", []],
    ]);
    expect(cycles(g).map((c) => c.sort())).toEqual([["a", "b", "c"]]);
    const f = join(SRC, "lone-working", "alerts", "commands.ts");
    expect(valueImports(f, `import type { X } from "../visits/commands.js";\nimport { type Y } from "../visits/commands.js";`)).toEqual([]);
    expect(valueImports(f, `import {\n  a,\n  b,\n} from "../visits/commands.js";`)).toEqual([join(SRC, "lone-working", "visits", "commands.ts")]);
  });

  it("have no cycle", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const graph = new Map(files.map((f) => [f, valueImports(f, readFileSync(f, "utf8"))]));
    expect([...graph.values()].flat().length).toBeGreaterThan(200); // the parser sees the imports
    const found = cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).sort().join(" <-> "));
    expect(found).toEqual([]);
  });
});

interface ImportDecl {
  spec: string;
  /** resolved file in src/, when the specifier is relative */
  file?: string;
  typeOnly: boolean;
  /** value names brought in (`*` for a namespace import, `default`) */
  names: string[];
  /** every name brought in, types too (`*` for a namespace import) */
  allNames: string[];
}

/** Every import declaration and re-export (`export … from`) in a file. */
export function importsOf(file: string, text: string): ImportDecl[] {
  const out: ImportDecl[] = [];
  const resolve = (spec: string) => {
    if (!spec.startsWith(".")) return undefined;
    const base = join(dirname(file), spec).replace(/\.js$/, "");
    return [".ts", ".tsx", "/index.ts"].map((x) => base + x).find(existsSync);
  };
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/gms)) {
    const typeOnly = !!m[2];
    const clause = m[3]!.trim();
    const names: string[] = [];
    const allNames: string[] = [];
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces) {
      for (const n of braces[1]!.split(",")) {
        const t = n.trim();
        if (!t) continue;
        allNames.push(t.replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim());
        if (/^type\s/.test(t)) continue;
        names.push(t.split(/\s+as\s+/)[0]!.trim());
      }
    }
    if (/\*\s+as\s+\w+/.test(clause) || clause === "*") {
      names.push("*");
      allNames.push("*");
    }
    const def = /^([A-Za-z_$][\w$]*)\s*(,|$)/.exec(clause);
    if (def && m[1] === "import") names.push("default");
    out.push({ spec: m[4]!, file: resolve(m[4]!), typeOnly: typeOnly || names.length === 0, names, allNames });
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push({ spec: m[1]!, file: resolve(m[1]!), typeOnly: false, names: ["*"], allNames: ["*"] });
  return out;
}

const rel = (f: string) => relative(SRC, f).split(sep).join("/");
/** Files allowed to touch the database directly. */
export const isStoreFile = (f: string) => /(^|\/)(store|[\w-]+-store)\.tsx?$|(^|\/)store\//.test(rel(f));
const isPlumbing = (f: string) => /(^|\/)schema\.ts$/.test(rel(f)) || rel(f).startsWith("db/");

/** Export names of every table, per schema file (resolved paths). */
async function tablesBySchemaFile(files: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const f of files.filter((x) => /(^|\/)schema\.ts$/.test(rel(x)))) {
    const mod = (await import(pathToFileURL(f).href)) as Record<string, unknown>;
    out.set(f, new Set(Object.entries(mod).filter(([, v]) => is(v, Table)).map(([k]) => k)));
  }
  return out;
}

/** Why one file breaks the store rule, or nothing. */
export function storeRuleBreaks(file: string, decls: ImportDecl[], tables: Map<string, Set<string>>): string[] {
  if (isStoreFile(file) || isPlumbing(file)) return [];
  const out: string[] = [];
  for (const d of decls) {
    if (d.typeOnly) continue;
    if (d.spec === "drizzle-orm" || d.spec.startsWith("drizzle-orm/")) out.push(`imports ${d.spec}`);
    if (!d.file) continue;
    const r = rel(d.file);
    if (r === "db/prepared.ts") out.push("imports the prepared-statement helper (src/db/prepared.ts)");
    if (r === "db/connection.ts" && d.names.includes("writeTx")) out.push("opens a transaction (writeTx)");
    const t = tables.get(d.file);
    const isSchemaFile = t !== undefined || r === "db/schema.ts";
    if (!isSchemaFile) continue;
    const all = r === "db/schema.ts" ? new Set([...tables.values()].flatMap((s) => [...s])) : t!;
    const hit = d.names.filter((n) => n === "*" || all.has(n));
    if (hit.length) out.push(`imports table${hit.length > 1 ? "s" : ""} ${hit.join(", ")} from ${r}`);
  }
  return out;
}

/**
 * Why a lone-working file breaks the transaction rule, or nothing: above the stores nothing
 * holds a transaction (issue 10), so no non-store file there imports `Tx`, not even as a type
 * (a pass that holds one could not move to a second database engine unchanged).
 */
export function txRuleBreaks(file: string, decls: ImportDecl[]): string[] {
  if (!rel(file).startsWith("lone-working/") || isStoreFile(file)) return [];
  return decls.filter((d) => d.file && rel(d.file) === "db/connection.ts" && d.allNames.some((n) => n === "Tx" || n === "*")).map(() => "imports Tx from src/db/connection.ts");
}

const WATCH_NAMES = /\b(nextCheckInDue|overdueAlertId)\b/;
const WATCH_SQL = /\bUPDATE\s+visits\s+SET\b[^"'`]*\b(next_check_in_due|overdue_alert_id)\b|\bINSERT\s+INTO\s+visits\s*\([^)]*\b(next_check_in_due|overdue_alert_id)\b/i;

/** The argument text of each `.set(…)`/`.values(…)` call (balanced brackets). */
function writeArguments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\.(set|values)\s*\(/g)) {
    let depth = 1;
    let i = m.index! + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      const ch = text[i];
      if (ch === "(" || ch === "{" || ch === "[") depth++;
      else if (ch === ")" || ch === "}" || ch === "]") depth--;
    }
    out.push(text.slice(start, i - 1));
  }
  return out;
}

/** Whether a file's text writes a visit's watch columns (drizzle or SQL). */
export function writesWatchColumns(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  return WATCH_SQL.test(code) || writeArguments(code).some((a) => WATCH_NAMES.test(a));
}

describe("import rules for src/", () => {
  const files = sourceFiles(SRC);
  const decls = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, "utf8"))]));

  it("the checkers see what they must (each rule fails on a breaking file)", async () => {
    const tables = await tablesBySchemaFile(files);
    const visitsSchema = join(SRC, "lone-working", "visits", "schema.ts");
    expect(tables.get(visitsSchema)?.has("visits")).toBe(true);
    const service = join(SRC, "lone-working", "visits", "commands.ts");
    const breaking = `import { eq } from "drizzle-orm";\nimport { visits, VISIT_STATUSES } from "./schema.js";\nimport { prepared } from "../../db/prepared.js";\nimport { writeTx, type Db } from "../../db/connection.js";`;
    expect(storeRuleBreaks(service, importsOf(service, breaking), tables)).toEqual([
      "imports drizzle-orm",
      "imports table visits from lone-working/visits/schema.ts",
      "imports the prepared-statement helper (src/db/prepared.ts)",
      "opens a transaction (writeTx)",
    ]);
    const fine = `import type { visits } from "./schema.js";\nimport { VISIT_STATUSES, type VisitStatus } from "./schema.js";\nimport type { Db } from "../../db/connection.js";`;
    expect(storeRuleBreaks(service, importsOf(service, fine), tables)).toEqual([]);
    expect(storeRuleBreaks(join(SRC, "lone-working", "visits", "store.ts"), importsOf(service, breaking), tables)).toEqual([]);
    expect(isStoreFile(join(SRC, "rota", "on-duty-store.ts"))).toBe(true);
    expect(isStoreFile(join(SRC, "hr", "store", "records.ts"))).toBe(true);
    expect(isStoreFile(join(SRC, "hr", "restore.ts"))).toBe(false);

    const pass = join(SRC, "lone-working", "escalation", "pass.ts");
    expect(txRuleBreaks(pass, importsOf(pass, `import type { Db, Tx } from "../../db/connection.js";`))).toEqual(["imports Tx from src/db/connection.ts"]);
    expect(txRuleBreaks(pass, importsOf(pass, `import { type Tx, openDatabase } from "../../db/connection.js";`))).toEqual(["imports Tx from src/db/connection.ts"]);
    expect(txRuleBreaks(pass, importsOf(pass, `export type { Tx as Handle } from "../../db/connection.js";`))).toEqual(["imports Tx from src/db/connection.ts"]);
    expect(txRuleBreaks(pass, importsOf(pass, `import type { Db } from "../../db/connection.js";`))).toEqual([]);
    expect(txRuleBreaks(join(SRC, "lone-working", "escalation", "fire-store.ts"), importsOf(pass, `import type { Db, Tx } from "../../db/connection.js";`))).toEqual([]);
    expect(txRuleBreaks(join(SRC, "audit", "records-check.ts"), importsOf(join(SRC, "audit", "records-check.ts"), `import type { Tx } from "../db/connection.js";`))).toEqual([]);

    expect(writesWatchColumns(`tx.update(visits).set({ status: "completed", overdueAlertId: null }).run();`)).toBe(true);
    expect(writesWatchColumns(`tx.insert(visits).values({ id, nextCheckInDue: due }).run();`)).toBe(true);
    expect(writesWatchColumns(`prepared(tx, "UPDATE visits SET next_check_in_due = ? WHERE id = ?")`)).toBe(true);
    expect(writesWatchColumns(`const due = v.nextCheckInDue; tx.update(visits).set({ status }).run(); // overdueAlertId: x`)).toBe(false);
  });

  it("only store files touch the database (tables, drizzle-orm, prepared statements, transactions)", async () => {
    const tables = await tablesBySchemaFile(files);
    expect([...tables.values()].reduce((n, s) => n + s.size, 0)).toBeGreaterThan(25); // it sees the tables
    const found = files.flatMap((f) => storeRuleBreaks(f, decls.get(f)!, tables).map((why) => `${rel(f)}: ${why}`));
    expect(found).toEqual([]);
  });

  it("no lone-working file outside a store imports Tx (the passes and services never hold a transaction)", () => {
    const found = files.flatMap((f) => txRuleBreaks(f, decls.get(f)!).map((why) => `${rel(f)}: ${why}`));
    expect(found).toEqual([]);
    // it sees the stores that do (they are exempt, not invisible)
    expect(files.filter((f) => rel(f).startsWith("lone-working/") && decls.get(f)!.some((d) => d.file && rel(d.file) === "db/connection.ts" && d.allNames.includes("Tx"))).length).toBeGreaterThan(3);
  });

  it("only the watch module writes a visit's watch columns", () => {
    const writers = files.filter((f) => writesWatchColumns(readFileSync(f, "utf8"))).map(rel);
    expect(writers.filter((f) => !f.startsWith("lone-working/watch/"))).toEqual([]);
    expect(writers.length).toBeGreaterThan(0); // the watch module itself is seen writing them
  });

  it("escalation never imports a channel, and delivery never imports the ladder", () => {
    const bad: string[] = [];
    for (const f of files) {
      const r = rel(f);
      for (const d of decls.get(f)!) {
        if (!d.file) continue;
        const t = rel(d.file);
        if (r.startsWith("lone-working/escalation/") && t.startsWith("lone-working/delivery/channels/")) bad.push(`${r} imports ${t}`);
        if (r.startsWith("lone-working/delivery/") && t === "lone-working/escalation/ladder.ts") bad.push(`${r} imports ${t}`);
      }
    }
    expect(bad).toEqual([]);
    expect(existsSync(join(SRC, "lone-working", "escalation", "ladder.ts"))).toBe(true);
    expect(existsSync(join(SRC, "lone-working", "delivery", "channels"))).toBe(true);
  });
});
