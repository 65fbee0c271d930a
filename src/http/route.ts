import { createRoute, OpenAPIHono, z, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../deps.js";
import { Forbidden, InvalidInput, Unauthenticated } from "../errors.js";
import type { Role } from "../staff/schema.js";
import { issuesToErrors, ProblemSchema } from "./problem.js";
import { addDays, FIRST_DAY, isCalendarDay, isDayInRange, LAST_DAY } from "../calendar/days.js";

/** Who may call a route: nobody signed in, anyone signed in, or holders of these roles. */
export type Access = "public" | "signed_in" | readonly Role[];

/** A module's router: validation failures become 400 problems naming the field. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new InvalidInput(issuesToErrors(result.error.issues));
    },
  });
}

function gate(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (access !== "public") {
      const user = c.get("user");
      if (!user) throw new Unauthenticated();
      if (access !== "signed_in" && !user.roles.some((r) => access.includes(r))) throw new Forbidden();
    }
    await next();
  };
}

const problemContent = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** Bodies are small JSON documents; anything larger is refused before it is read into memory. */
export const MAX_BODY_BYTES = 256 * 1024;
const limitStreamedBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new HTTPException(413, { message: `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.` });
  },
});

/** With a Content-Length (the usual case) the header decides, without touching the raw body
 *  stream, so @hono/node-server can read the body straight from the socket. */
const limitBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const length = c.req.header("content-length");
  if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
    if (parseInt(length, 10) > MAX_BODY_BYTES) throw new HTTPException(413, { message: `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.` });
    return next();
  }
  return limitStreamedBody(c, next);
};

/**
 * createRoute plus the access gate. The gate runs before validation and before
 * any lookup, so a wrong role always gets 403 whatever the body or id, and the
 * allowed roles are published in the OpenAPI document as `x-access`, from which
 * the authz matrix test is driven.
 */
export function defineRoute<R extends Omit<RouteConfig, "middleware">>(
  config: R & { access: Access; middleware?: MiddlewareHandler<AppEnv>[] },
) {
  const { access, middleware = [], ...rest } = config;
  const responses = { ...rest.responses } as RouteConfig["responses"];
  if (rest.request) responses[400] ??= problemContent("Invalid input");
  if (access !== "public") {
    responses[401] ??= problemContent("Not signed in");
    if (access !== "signed_in") responses[403] ??= problemContent("Role forbids");
  }
  return createRoute({
    ...rest,
    responses,
    middleware: [gate(access), ...(rest.request?.body ? [limitBody] : []), ...middleware],
    "x-access": access,
  } as unknown as R & { middleware: MiddlewareHandler<AppEnv>[] });
}

export const jsonBody = <T extends z.ZodType>(schema: T, description = "JSON body") => ({
  body: { required: true, description, content: { "application/json": { schema } } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const problemResponse = problemContent;

export const IdParam = z.object({ id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }) });

// Every date a route takes is bounded (FIRST_DAY..LAST_DAY, src/calendar/days.ts):
// a far-off date made day loops run for minutes and blocked the event loop, scheduler
// included. The range check runs only on a well-formed value, so a bad one gets one
// error, not two.
const RANGE = `between ${FIRST_DAY} and ${LAST_DAY}`;
const EARLIEST_MS = Date.parse(`${FIRST_DAY}T00:00:00Z`);
const LATEST_MS = Date.parse(`${addDays(LAST_DAY, 1)}T00:00:00Z`);

/** ISO 8601 instant with an offset, as the contract requires, from FIRST_DAY to the end of LAST_DAY (UTC). */
export const Instant = z.iso
  .datetime({ offset: true })
  .refine(
    (v) => {
      const t = Date.parse(v);
      return Number.isNaN(t) || (t >= EARLIEST_MS && t < LATEST_MS);
    },
    { message: `must be ${RANGE}` },
  )
  .openapi({ description: `ISO 8601 instant with an offset, ${RANGE} (UTC)`, example: "2026-11-24T14:00:00Z" });
/** A real calendar day `YYYY-MM-DD` (2026-02-30 is refused) from FIRST_DAY to LAST_DAY. */
export const Day = z.iso
  .date()
  .refine((v) => !isCalendarDay(v) || isDayInRange(v), { message: `must be ${RANGE}` })
  .openapi({ description: `A calendar day YYYY-MM-DD, ${RANGE}`, example: "2026-11-24" });
