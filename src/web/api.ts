// How a page gets its data: it asks the one API (the app serving this request, set on
// the context by createApp), in-process, as the person who opened the page (their cookie
// or token), and reads the answer with the route's own zod schema, exported from that
// module's routes.ts. So a page can never show more than the API gives that person, its
// data is typed from the schema the API declares, and an answer the page cannot read is
// a server error naming the call and the field (PageDataError), never a blank page.
//
//   const rotas = await load(c, "/api/rotas", RotaList);          // GET
//   if (rotas.ok) rotas.data.rotas[0]?.name;                       // typed by the schema
//   const made = await send(c, "POST", "/api/rotas", body, RotaSchema);
//   if (!made.ok) fieldErrors(made.problem);                       // { name: "must ..." }
import type { Context } from "hono";
import type { z } from "@hono/zod-openapi";
import type { AppEnv } from "../deps.js";
import type { FieldError } from "../errors.js";
import { ProblemSchema, issuesToErrors } from "../http/problem.js";

/** What a page calls: the app itself (`app.request`), never a second one. */

export type Problem = z.output<typeof ProblemSchema>;

/** A 2xx answer read with the route's schema, or the refusal (status and problem JSON) as the API gave it. */
export type Answer<T> = { ok: true; status: number; data: T } | { ok: false; status: number; data: null; problem: Problem | null };

/** The API answered 2xx with a body that does not match the schema the page reads it with. */
export class PageDataError extends Error {
  constructor(
    readonly call: string,
    readonly fields: FieldError[],
  ) {
    super(`${call} answered what the page cannot read: ${fields.map((f) => `${f.path || "(body)"}: ${f.message}`).join("; ")}`);
    this.name = "PageDataError";
  }
}

// What makes the inner request the same person from the same place: their session or
// token, and the address a proxy saw (sign-in throttling reads it).
const FORWARDED = ["cookie", "authorization", "x-forwarded-for"] as const;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function call<S extends z.ZodType>(c: Context<AppEnv>, method: Method, path: string, schema: S, body?: unknown): Promise<Answer<z.output<S>>> {
  const api = c.get("api");
  if (!api) throw new Error("No in-process API on this request: pages are served by the app that createApp (src/app.ts) builds.");
  // Same origin as the page: the page's own request has passed the origin check already.
  const url = new URL(path, c.req.url);
  const label = `${method} ${url.pathname}`; // no query: it may carry a name filter
  const headers = new Headers();
  for (const h of FORWARDED) {
    const v = c.req.header(h);
    if (v) headers.set(h, v);
  }
  const requestId = c.get("requestId");
  if (requestId) headers.set("x-request-id", requestId); // one id in the log for the page and its reads
  if (body !== undefined) {
    headers.set("content-type", "application/json");
    headers.set("origin", url.origin);
  }
  const res = await api.request(url.href, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, c.env);
  const text = await res.text();
  if (!res.ok) return { ok: false, status: res.status, data: null, problem: problemOf(text) };
  let json: unknown = undefined;
  if (text !== "" || res.status !== 204) {
    if (!(res.headers.get("content-type") ?? "").includes("json")) throw new PageDataError(label, [{ path: "", message: `not JSON (${res.headers.get("content-type") ?? "no content type"})` }]);
    try {
      json = JSON.parse(text);
    } catch {
      throw new PageDataError(label, [{ path: "", message: "not valid JSON" }]);
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new PageDataError(label, issuesToErrors(parsed.error.issues));
  return { ok: true, status: res.status, data: parsed.data };
}

function problemOf(text: string): Problem | null {
  try {
    const p = ProblemSchema.safeParse(JSON.parse(text));
    return p.success ? p.data : null;
  } catch {
    return null;
  }
}

/** GET `path` from the API as the caller, read with the route's response schema. */
export const load = <S extends z.ZodType>(c: Context<AppEnv>, path: string, schema: S) => call(c, "GET", path, schema);

/** A write to the API as the caller (a page's form), its answer read with the route's response schema. */
export const send = <S extends z.ZodType>(c: Context<AppEnv>, method: Exclude<Method, "GET">, path: string, body: unknown, schema: S) => call(c, method, path, schema, body);

/** The data of an answer, or null when the API refused it (the page says "not available"). */
export const dataOr = <T>(a: Answer<T>): T | null => (a.ok ? a.data : null);

/** A refusal's field errors by field path (`errors[].path`), for a form to show beside its fields. */
export function fieldErrors(problem: Problem | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) out[e.path] ??= e.message;
  return out;
}
