import type { MiddlewareHandler, Context } from "hono";
import { getCookie } from "hono/cookie";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { AppEnv } from "../deps.js";
import { Forbidden, Unauthenticated } from "../errors.js";
import { apiTokenUse, userFromSession } from "./service.js";
import { actingVia } from "../audit/via.js";
import { clientAddressFrom } from "./addresses.js";

export { clientAddressFrom } from "./addresses.js";

/** `__Host-` pins the cookie to this origin over HTTPS (browsers treat localhost as secure too). */
export function sessionCookieName(publicUrl: string): string {
  return cookieIsSecure(publicUrl) ? "__Host-dutyline_session" : "dutyline_session";
}

export function cookieIsSecure(publicUrl: string): boolean {
  const u = new URL(publicUrl);
  return u.protocol === "https:" || u.hostname === "localhost";
}

/**
 * Attach the signed-in person, if any. Routes decide whether one is required.
 * A bearer token past its expiry is refused (401), a read-only one on an unsafe
 * method (403); a live one's request is handled as acting via that token, so every
 * audit row written for it names the token and its maker (audit/via.ts).
 */
export const resolveUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get("deps");
  const auth = c.req.header("authorization");
  if (auth?.startsWith("Bearer ")) {
    const use = await apiTokenUse(deps, auth.slice(7).trim());
    if (use?.expired) throw new Unauthenticated(`This API token expired at ${use.expiresAt.toISOString()}; ask an admin for a new one.`);
    if (use) {
      if (use.readOnly && !SAFE.has(c.req.method)) throw new Forbidden("This API token is read-only: it may only read.");
      c.set("user", use.user);
      c.set("authVia", "bearer");
      await actingVia(use.user.id, use.via, () => next());
      return;
    }
  } else {
    const token = getCookie(c, sessionCookieName(deps.config.PUBLIC_URL));
    if (token) {
      const user = await userFromSession(deps, token);
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
    // Our pages send Referrer-Policy: no-referrer, under which a browser posts a form from
    // our own page with `Origin: null`; its Sec-Fetch-Site (which no page can set) then
    // says whether the form was on this origin. A null origin without it is refused.
    const ownForm = origin === "null" && c.req.header("sec-fetch-site") === "same-origin";
    if (!ownForm && (origin ? !allowed.has(origin) : hasCookie)) {
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

/**
 * The caller's address, for the sign-in throttle. With TRUST_PROXY, the right-most
 * X-Forwarded-For hop that no trusted proxy added (addresses.ts): the left-most is
 * whatever the client chose to write.
 */
export function clientAddress(c: Context<AppEnv>): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined; // in-process requests (tests, pages) have no socket
  }
  const config = c.get("deps").config;
  if (!config.TRUST_PROXY) return peer ?? "unknown";
  return clientAddressFrom(c.req.header("x-forwarded-for"), peer, config.TRUSTED_PROXIES);
}
