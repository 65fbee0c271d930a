// Every date a route takes is bounded (1900-01-01..2100-12-31) and a real calendar
// date: a report asked for 9999-12-31 used to walk day loops for minutes with the
// event loop blocked (scheduler included), and a day past 9999 sorted before it.
// Driven by the OpenAPI document, so a route added later with a date joins in, and
// one that takes a date-like field as a bare string fails the first test.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, type TestEnv, type Client } from "../helpers.js";
import { ROLES } from "../../src/staff/schema.js";

type Kind = "day" | "instant" | "dayOrInstant";
interface Field {
  method: string;
  path: string;
  where: "query" | "body";
  /** Dotted path of the property; `[]` marks an array level. */
  name: string;
  kind: Kind | null;
}

let env: TestEnv;
let all: Client;
let fields: Field[] = [];
const RANGE = /between 1900-01-01 and 2100-12-31/;

beforeAll(async () => {
  env = await testEnv();
  all = (await env.person({ roles: [...ROLES] })).client;
  const doc = (await env.anon.get("/openapi.json")).body as any;
  const resolve = (s: any): any => (s?.$ref ? resolve(doc.components.schemas[s.$ref.split("/").pop()]) : s);
  const kindOf = (s: any): Kind | null =>
    s.format === "date" ? "day" : s.format === "date-time" ? "instant" : /local day.*instant/.test(s.description ?? "") ? "dayOrInstant" : null;
  const walk = (s: any, name: string, at: Omit<Field, "name" | "kind">) => {
    s = resolve(s);
    if (!s) return;
    for (const k of ["anyOf", "oneOf", "allOf"]) for (const x of s[k] ?? []) walk(x, name, at);
    const types = [s.type].flat();
    if (types.includes("object") || s.properties) for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, name ? `${name}.${k}` : k, at);
    if (types.includes("array")) walk(s.items, `${name}[]`, at);
    if (types.includes("string")) fields.push({ ...at, name, kind: kindOf(s) });
  };
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      for (const p of op.parameters ?? []) if (p.in === "query") walk(p.schema, p.name, { method, path, where: "query" });
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (body) walk(body, "", { method, path, where: "body" });
    }
  }
});

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "no-such-id");
const label = (f: Field) => `${f.method.toUpperCase()} ${f.path} ${f.where} ${f.name}`;

/** A body holding only `value` at the field's place (arrays get one element). */
function bodyWith(name: string, value: string): unknown {
  const parts = name.split(".");
  const build = (i: number): unknown => {
    if (i === parts.length) return value;
    const part = parts[i]!;
    const arr = part.endsWith("[]");
    const key = arr ? part.slice(0, -2) : part;
    const inner = build(i + 1);
    return { [key]: arr ? [inner] : inner };
  };
  return build(0);
}

async function send(f: Field, value: string) {
  if (f.where === "query") return all.request(f.method.toUpperCase(), `${concrete(f.path)}?${new URLSearchParams({ [f.name]: value })}`);
  return all.request(f.method.toUpperCase(), concrete(f.path), bodyWith(f.name, value));
}

/** The problem names the field (array levels appear as indexes) with a message matching `message`. */
function namesField(res: { status: number; body: any; text: string }, f: Field, message: RegExp): string | null {
  if (res.status !== 400) return `${label(f)}: ${res.status} ${res.text.slice(0, 200)}`;
  const want = f.name.replace(/\[\]/g, "");
  const hit = (res.body.errors ?? []).find((e: { path: string; message: string }) => e.path.replace(/\.\d+/g, "") === want && message.test(e.message));
  return hit ? null : `${label(f)}: no error at ${want} matching ${message}: ${JSON.stringify(res.body.errors)}`;
}

const TOO_LATE: Record<Kind, string[]> = {
  day: ["9999-12-31", "2101-01-01"],
  instant: ["9999-12-31T00:00:00Z", "2101-01-01T00:00:00Z", "2100-12-31T23:30:00-01:00"],
  dayOrInstant: ["9999-12-31", "9999-12-31T00:00:00Z"],
};
const TOO_EARLY: Record<Kind, string[]> = {
  day: ["1899-12-31", "0001-01-01"],
  instant: ["1899-12-31T23:59:59Z", "0001-01-01T00:00:00Z"],
  dayOrInstant: ["1899-12-31", "1899-12-31T23:59:59Z"],
};
const NOT_A_DATE: Record<Kind, string[]> = {
  day: ["2026-02-30", "2100-02-29", "+010000-01-01"],
  instant: ["2026-02-30T10:00:00Z", "+010000-01-01T00:00:00Z"],
  dayOrInstant: ["2026-02-30", "2026-02-30T10:00:00Z", "+010000-01-01"],
};

describe("date bounds on every route", () => {
  it("every date-like request field is a bounded Day, Instant or day-or-instant", () => {
    expect(fields.filter((f) => f.kind).length).toBeGreaterThan(30);
    const dateLike = (name: string) => {
      const last = name.split(".").pop()!.replace("[]", "");
      return /^(from|to|at|on|date|day|start|end|since|until|asOf)$/.test(last) || /[a-z](Day|Date|On|At|From|To|Until|Start|End)$/.test(last);
    };
    expect(fields.filter((f) => !f.kind && dateLike(f.name)).map(label)).toEqual([]);
  });

  it("a date after 2100-12-31 is a 400 naming the field, and nothing is written", async () => {
    const before = env.auditCount();
    const wrong: string[] = [];
    for (const f of fields.filter((x) => x.kind)) for (const v of TOO_LATE[f.kind!]) {
      const why = namesField(await send(f, v), f, RANGE);
      if (why) wrong.push(`${v} → ${why}`);
    }
    expect(wrong).toEqual([]);
    expect(env.auditCount()).toBe(before);
  });

  it("a date before 1900-01-01 is a 400 naming the field", async () => {
    const wrong: string[] = [];
    for (const f of fields.filter((x) => x.kind)) for (const v of TOO_EARLY[f.kind!]) {
      const why = namesField(await send(f, v), f, RANGE);
      if (why) wrong.push(`${v} → ${why}`);
    }
    expect(wrong).toEqual([]);
  });

  it("a day that is not on the calendar (30 February, 29 February 2100, a six-digit year) is a 400 naming the field", async () => {
    const wrong: string[] = [];
    for (const f of fields.filter((x) => x.kind)) for (const v of NOT_A_DATE[f.kind!]) {
      const why = namesField(await send(f, v), f, /./);
      if (why) wrong.push(`${v} → ${why}`);
    }
    expect(wrong).toEqual([]);
  });

  it("the ends of the range are accepted", async () => {
    for (const asOf of ["1900-01-01", "2100-12-31"]) {
      for (const r of ["supervision", "sickness", "oh-referrals", "amhp-approvals"]) expect((await all.get(`/api/reports/${r}?asOf=${asOf}`)).status).toBe(200);
    }
    expect((await all.get("/api/reports/integrity?from=1900-01-01&to=2100-12-31")).status).toBe(200);
    expect((await all.get("/api/on-duty?at=2100-12-31T23:59:59Z")).status).toBe(200);
    expect((await all.get("/api/on-duty?at=1900-01-01T00:00:00Z")).status).toBe(200);
    expect((await all.get("/api/reports/lone-working?from=2100-12-01&to=2100-12-31")).status).toBe(200);
  });

  it("a report far in the future answers at once (400) instead of walking days", async () => {
    // Before the fix this was a 200 on an empty database and minutes of CPU on a full one.
    const t = performance.now();
    const res = await all.get("/api/reports/sickness?asOf=9999-12-31");
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: "asOf", message: "must be between 1900-01-01 and 2100-12-31" }]);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it("the HR page with an out-of-range as-of date shows today's report rather than hanging", async () => {
    // The page's own chart walked months from 9999-01 with string compares: "10000-01-01" < "9999-12-31".
    const res = await all.get("/hr?report=sickness&asOf=9999-12-31");
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("9999");
  });
});
