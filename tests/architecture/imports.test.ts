// Import rules for src/ (the first of issue 10's): no import cycle anywhere. A cycle
// means two modules each need the other to load, so neither can be read, tested or
// replaced alone (alerts/service and visits/service once imported each other).
// Type-only imports are erased at compile time and do not count.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

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
    const f = join(SRC, "lone-working", "alerts", "service.ts");
    expect(valueImports(f, `import type { X } from "../visits/service.js";\nimport { type Y } from "../visits/service.js";`)).toEqual([]);
    expect(valueImports(f, `import {\n  a,\n  b,\n} from "../visits/service.js";`)).toEqual([join(SRC, "lone-working", "visits", "service.ts")]);
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
