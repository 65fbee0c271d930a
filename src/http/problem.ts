import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "@hono/zod-openapi";
import { DomainError, RateLimited, type FieldError } from "../errors.js";
import type { AppEnv } from "../deps.js";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi("Problem");

const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, "-");

export function problem(c: Context<AppEnv>, status: number, title: string, detail: string, errors?: FieldError[]) {
  const body = {
    type: `urn:dutyline:problem:${slug(title)}`,
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
    requestId: c.get("requestId"),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

const HTTP_TITLES: Record<number, string> = {
  401: "Not signed in",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  413: "Payload too large",
  415: "Unsupported media type",
};

/** The one error path: domain errors keep their status, unknown ones are 500 without internals. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof DomainError) {
    const res = problem(c, err.status, err.title, err.message, err.errors);
    if (err instanceof RateLimited) res.headers.set("Retry-After", String(err.retryAfterSeconds));
    return res;
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 400) return problem(c, 400, "Invalid input", err.message || "The request body could not be read.", [{ path: "", message: err.message || "malformed body" }]);
    const title = HTTP_TITLES[status] ?? "Error";
    return problem(c, status, title, err.message || title);
  }
  const deps = c.get("deps");
  deps?.log.error({ requestId: c.get("requestId"), error: loggableError(err) }, "unhandled error");
  return problem(c, 500, "Internal error", "Something went wrong on our side. Quote the request id if you report it.");
}

/** zod issues → RFC 9457 `errors[]`, each naming the field by its dotted path. */
export function issuesToErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/**
 * What of an unexpected error may be logged. A failed query's message carries its
 * bound values (a risk note, a sickness cause, a password hash): keep the SQL, drop
 * the values, and say what the database objected to.
 */
export function loggableError(err: Error): { name: string; message: string; underlying?: string; stack?: string } {
  const strip = (text: string) => text.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, "\nparams: [not logged]");
  // Not "cause": log.ts censors that key everywhere (sickness causes).
  const underlying = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : undefined;
  return { name: err.name, message: strip(err.message), ...(underlying ? { underlying } : {}), ...(err.stack ? { stack: strip(err.stack) } : {}) };
}
