// A schema-driven fuzz of every route that takes a body or a query, read from
// /openapi.json, so new routes join by being registered. Each field of a
// plausible request is replaced in turn by an extreme value (empty, 1e5 chars,
// zero-width and bidi marks, NaN-ish and huge numbers, dates at and past the
// 1900..2100 bounds, leap days, 10k-element arrays, nested junk, wrong types),
// sent as an admin and as HR. An answer must never be a 5xx; a refusal must be
// problem JSON (a 400 naming a field) and must write no audit row.
// Deterministic (no randomness) and bounded: a fixed list of values per field.
import { beforeAll, describe, expect, it } from "vitest";
import { Client, testEnv, type Result, type TestEnv } from "../helpers.js";

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  example?: unknown;
};
type Param = { name: string; in: string; schema: Schema };
type Operation = { parameters?: Param[]; requestBody?: { content: Record<string, { schema: Schema }> }; "x-access"?: unknown };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const HUGE = "x".repeat(100_000);
const ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff";
const BIDI = "\u202e\u2066evil\u2069\u202c";
const NESTED = { a: { b: { c: [{ d: [[[{}]]] }] } }, __proto__: { admin: true }, constructor: { prototype: { admin: true } } };

/** Values every field gets, whatever its type. */
const EXTREMES: unknown[] = [
  "",
  " ",
  HUGE,
  ZERO_WIDTH,
  BIDI,
  "\u0000",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "=HYPERLINK(\"http://x\")",
  "'; DROP TABLE staff; --",
  -1,
  -1e308,
  1e308,
  0,
  2 ** 53 + 1,
  1.5,
  true,
  null,
  [],
  {},
  Array.from({ length: 10_000 }, () => "a"),
  Array.from({ length: 10_000 }, (_, i) => i),
  NESTED,
  "1899-12-31",
  "2101-01-01",
  "2100-12-31",
  "2024-02-29",
  "2023-02-29",
  "2100-02-29",
  "0000-01-01",
  "9999-12-31",
  "+275760-09-13",
  "2026-13-01",
  "1899-12-31T23:59:59Z",
  "2100-12-31T23:59:59.999Z",
  "2101-01-01T00:00:00+14:00",
  "2100-12-31T23:30:00-14:00",
  "9999-12-31T23:59:59Z",
  "2026-11-24T12:00:00", // no offset
];

/** Whole bodies that are not the object a route expects. */
const BAD_BODIES: string[] = ["", "{", "{}", "null", "[]", '"x"', "1", JSON.stringify(Array.from({ length: 10_000 }, () => ({}))), `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`];

const IDEMPOTENCY_KEYS = ["", " ", "k".repeat(100_000), "a,b", "null"];

let env: TestEnv;
let doc: Doc;
let callers: { label: string; client: Client }[] = [];
const ids: Record<string, string> = {};

const resolve = (s: Schema): Schema => (s.$ref ? resolve(doc.components.schemas[s.$ref.split("/").pop()!]!) : s);

/** A plausible value for a field, so the request gets past every field but the one fuzzed. */
function sample(s0: Schema, name: string): unknown {
  const s = resolve(s0);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  if (s.enum) return s.enum[0];
  if (/^(staffId|supervisorId|toStaffId)$/.test(name)) return ids.person;
  if (name === "staffIds" || name === "seniorStaffIds") return [ids.manager];
  if (name === "assignmentId") return ids.assignment;
  if (name === "sicknessId") return ids.sickness;
  if (type === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v, k);
    return out;
  }
  if (type === "array") return [sample(s.items ?? {}, name)];
  if (type === "integer" || type === "number") return Math.max(1, s.minimum ?? 0, s.exclusiveMinimum ?? 0);
  if (type === "boolean") return false;
  if (s.format === "date") return "2026-11-20";
  if (s.format === "date-time") return "2026-11-24T14:00:00Z";
  if (s.format === "email") return `fuzz-${++emails}@test.example`;
  if (s.format === "uri") return "https://push.example.org/fuzz";
  if (s.format === "uuid") return "5b0c1c0e-8a4f-4a55-9d43-000000000001";
  if (name === "from") return "2026-11-20";
  if (name === "to") return "2026-11-27";
  if (name === "startTime") return "09:00";
  if (name === "rrule") return "FREQ=WEEKLY;BYDAY=MO";
  if (name === "pin") return "4821";
  if (name === "patientRef") return "AB-123";
  if (/password/i.test(name)) return "correct horse battery staple";
  if (/reason/i.test(name)) return "Entered on the wrong day";
  if (s.pattern) return typeof s.example === "string" ? s.example : "abc123";
  return "Fuzz value";
}
let emails = 0;

/** Every path to a leaf (or array) in a body, up to three levels down. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || prefix.length >= 3) return [prefix];
  if (Array.isArray(value)) return [prefix, ...(value.length ? leafPaths(value[0], [...prefix, "0"]) : [])];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...leafPaths(v, [...prefix, k]));
  return out;
}

function withValue(base: unknown, path: string[], v: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[path.at(-1)!] = v;
  return copy;
}

/** Path parameters: real rows, so a request reaches the service and not only a 404. */
function concrete(path: string): string {
  return path
    .replace("/api/records/{kind}/{id}", `/api/records/sickness/${ids.sickness}`)
    .replace(/^\/api\/staff\/\{id\}/, `/api/staff/${ids.person}`)
    .replace(/^\/api\/rotas\/\{id\}/, `/api/rotas/${ids.rota}`)
    .replace(/^\/api\/patterns\/\{id\}/, `/api/patterns/${ids.pattern}`)
    .replace(/^\/api\/assignments\/\{id\}/, `/api/assignments/${ids.assignment}`)
    .replace(/^\/api\/sickness\/\{id\}/, `/api/sickness/${ids.sickness}`)
    .replace(/^\/api\/oh-referrals\/\{id\}/, `/api/oh-referrals/${ids.oh}`)
    .replace(/\{[^}]+\}/g, "no-such-id");
}

interface Case {
  label: string;
  send: (c: Client) => Promise<Result>;
}

function casesFor(method: string, path: string, op: Operation): Case[] {
  const url = concrete(path);
  const cases: Case[] = [];
  const headerKey = op.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key");
  const schema = op.requestBody?.content["application/json"]?.schema;
  if (schema) {
    const base = sample(schema, "");
    for (const field of leafPaths(base)) {
      for (const [i, v] of EXTREMES.entries()) {
        cases.push({ label: `${method} ${path} body.${field.join(".")} = #${i}`, send: (c) => c.request(method, url, withValue(base, field, v), headerKey ? { "Idempotency-Key": `fuzz-${path}-${field.join(".")}-${i}` } : {}) });
      }
    }
    for (const [i, raw] of BAD_BODIES.entries()) {
      cases.push({ label: `${method} ${path} whole body #${i}`, send: (c) => rawRequest(c, method, url, raw) });
    }
    if (headerKey) {
      for (const [i, key] of IDEMPOTENCY_KEYS.entries()) {
        cases.push({ label: `${method} ${path} Idempotency-Key #${i}`, send: (c) => c.request(method, url, base, { "Idempotency-Key": key }) });
      }
    }
  }
  for (const q of (op.parameters ?? []).filter((p) => p.in === "query")) {
    for (const [i, v] of EXTREMES.entries()) {
      const value = typeof v === "string" ? v : JSON.stringify(v);
      if (value.length > 20_000) continue; // a URL that long is the proxy's to refuse
      cases.push({ label: `${method} ${path} ?${q.name} = #${i}`, send: (c) => c.request(method, `${url}?${q.name}=${encodeURIComponent(value)}`) });
    }
    cases.push({ label: `${method} ${path} ?${q.name} twice`, send: (c) => c.request(method, `${url}?${q.name}=2026-11-01&${q.name}=2026-11-02`) });
  }
  return cases;
}

async function rawRequest(c: Client, method: string, url: string, body: string): Promise<Result> {
  const headers: Record<string, string> = { Origin: "http://localhost:3000", "Content-Type": "application/json" };
  if (c.cookie) headers.Cookie = c.cookie;
  if (c instanceof NotifyCaller) headers.Authorization = `Bearer ${CALLBACK_TOKEN}`;
  const res = await env.app.request(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, headers: res.headers, text };
}

const REFUSALS = new Set([400, 403, 404, 409, 413, 422, 429]);
/** A wrong email or password at sign-in is a 401, as for anyone. */
const refusalsAt = (path: string) => (path === "/api/auth/login" || path === "/api/me/password" ? new Set([...REFUSALS, 401]) : REFUSALS);

/** Notify's callbacks are called by Notify, with the callback token (no session). */
const CALLBACK_TOKEN = "fuzz-callback-token-0123456789";
class NotifyCaller extends Client {
  override request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return super.request<T>(method, path, body, { Authorization: `Bearer ${CALLBACK_TOKEN}`, ...headers });
  }
}
let notifyCaller: { label: string; client: Client }[];

beforeAll(async () => {
  env = await testEnv({ NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN });
  notifyCaller = [{ label: "notify", client: new NotifyCaller(env.app) }];
  const admin = await env.person({ roles: ["admin"] });
  const hr = await env.person({ roles: ["hr"] });
  const manager = await env.person({ roles: ["manager"], team: "Fuzz Team" });
  const person = await env.person({ roles: ["social_worker"], team: "Fuzz Team", startDate: "2020-01-06" });
  ids.person = person.id;
  ids.manager = manager.id;
  const a = admin.client;
  ids.rota = (await a.post("/api/rotas", { name: "Fuzz rota", kind: "manager_cover" })).body.id;
  ids.pattern = (await a.post(`/api/rotas/${ids.rota}/patterns`, { rrule: "FREQ=WEEKLY;BYDAY=MO", startTime: "09:00", durationMinutes: 480, startsOn: "2026-11-23" })).body.id;
  ids.assignment = (await a.post(`/api/rotas/${ids.rota}/assignments`, { staffId: manager.id, start: "2026-11-26T09:00:00Z", end: "2026-11-26T17:00:00Z" })).body.id;
  ids.sickness = (await a.post(`/api/staff/${person.id}/sickness`, { firstDay: "2026-11-20", cause: "infection" })).body.id;
  ids.oh = (await a.post(`/api/staff/${person.id}/oh-referrals`, { referredOn: "2026-11-21", reason: "Back pain at work" })).body.id;
  for (const [k, v] of Object.entries(ids)) if (typeof v !== "string") throw new Error(`fixture ${k} not made`);
  callers = [
    { label: "admin", client: a },
    { label: "hr", client: hr.client },
  ];
  doc = (await env.anon.get("/openapi.json")).body as Doc;
});

describe("schema-driven fuzz of every route with a body or a query", () => {
  it("never answers 5xx; refusals are problem JSON naming a field, and write nothing to the audit", async () => {
    const wrong: string[] = [];
    let sent = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(methods)) {
        const method = m.toUpperCase();
        // The event stream never ends; logout only ends the caller's own session.
        if (path === "/api/events" || path === "/api/auth/logout") continue;
        const cases = casesFor(method, path, op);
        for (const { label, client } of path.startsWith("/api/notify/callbacks/") ? notifyCaller : callers) {
          for (const k of cases) {
            const before = env.auditCount();
            const res = await k.send(client);
            sent++;
            const audited = env.auditCount() - before;
            const where = `${label} ${k.label} -> ${res.status}`;
            if (process.env.FUZZ_LOG && res.status < 300) console.log("ACCEPTED", where);
            if (res.status >= 500) wrong.push(`${where}: ${res.text.slice(0, 200)}`);
            else if (res.status >= 400) {
              if (!refusalsAt(path).has(res.status)) wrong.push(`${where}: unexpected refusal`);
              if (!(res.headers.get("content-type") ?? "").includes("application/problem+json")) wrong.push(`${where}: not problem JSON`);
              if (res.status === 400 && !(Array.isArray(res.body.errors) && res.body.errors.length > 0)) wrong.push(`${where}: 400 names no field`);
              if (audited !== 0) wrong.push(`${where}: ${audited} audit rows written by a refused request`);
            }
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(2_000);
    expect(wrong).toEqual([]);
  }, 120_000);
});
