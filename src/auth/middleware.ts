import type { MiddlewareHandler, Context } from "hono";
import { getCookie } from "hono/cookie";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { AppEnv } from "../deps.js";
import { Forbidden } from "../errors.js";
import { userFromApiToken, userFromSession } from "./service.js";

/** `__Host-` pins the cookie to this origin over HTTPS (browsers treat localhost as secure too). */
export function sessionCookieName(publicUrl: string): string {
  return cookieIsSecure(publicUrl) ? "__Host-dutyline_session" : "dutyline_session";
}

export function cookieIsSecure(publicUrl: string): boolean {
  const u = new URL(publicUrl);
  return u.protocol === "https:" || u.hostname === "localhost";
}

/** Attach the signed-in person, if any. Routes decide whether one is required. */
export const resolveUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get("deps");
  const auth = c.req.header("authorization");
  if (auth?.startsWith("Bearer ")) {
    const user = userFromApiToken(deps, auth.slice(7).trim());
    if (user) {
      c.set("user", user);
      c.set("authVia", "bearer");
    }
  } else {
    const token = getCookie(c, sessionCookieName(deps.config.PUBLIC_URL));
    if (token) {
      const user = userFromSession(deps, token);
      if (user) {
        c.set("user", user);
        c.set("authVia", "cookie");
      }
    }
  }
  await next();
};

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF: an unsafe request that a browser could send with our cookie must come
 * from our own origin. hono/csrf looks only at form content types; this looks at
 * every unsafe request that is not bearer-authenticated.
 */
export const originCheck: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!SAFE.has(c.req.method) && !c.req.header("authorization")?.startsWith("Bearer ")) {
    const origin = c.req.header("origin") ?? refererOrigin(c.req.header("referer"));
    const allowed = new Set([new URL(c.get("deps").config.PUBLIC_URL).origin, new URL(c.req.url).origin]);
    const hasCookie = Boolean(c.req.header("cookie"));
    if (origin ? !allowed.has(origin) : hasCookie) {
      throw new Forbidden("Cross-site request refused (Origin does not match this service).");
    }
  }
  await next();
};

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** The caller's address, for the login rate limit. Behind a proxy, its first X-Forwarded-For. */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.get("deps").config.TRUST_PROXY) {
    const fwd = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (tests) have no socket
  }
}
