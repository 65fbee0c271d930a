import { z } from "@hono/zod-openapi";
import { visibleText } from "../http/text.js";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import { defineRoute, jsonBody, jsonResponse, router, problemResponse, IdParam } from "../http/route.js";
import { login, logout, issueApiToken, listApiTokens, revokeApiToken, changeOwnPassword, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "./service.js";
import { clientAddress, cookieIsSecure, sessionCookieName } from "./middleware.js";
import { ROLES } from "../staff/schema.js";
import { getStaff } from "../staff/service.js";
import { actorOf } from "../http/actor.js";
import { ADMINS } from "../staff/roles.js";

export const UserSchema = z
  .object({ id: z.string(), name: z.string(), email: z.string(), roles: z.array(z.enum(ROLES)), teamId: z.string().nullable() })
  .openapi("User");

/** A new token's answer (the secret, shown once) and the list (never the secrets); the admin pages read them. */
export const TokenMade = z.object({ id: z.string(), token: z.string(), expiresAt: z.string(), readOnly: z.boolean() });
export const TokenList = z.object({
  tokens: z.array(
    z.object({ id: z.string(), staffId: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string(), revokedAt: z.string().nullable(), expiresAt: z.string().nullable(), readOnly: z.boolean() }),
  ),
});

export const LoginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });

export const authRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/auth/login",
      tags: ["Auth"],
      summary: "Sign in; sets the session cookie",
      access: "public",
      request: jsonBody(LoginBody),
      responses: {
        200: jsonResponse(z.object({ user: UserSchema }), "Signed in"),
        401: problemResponse("Wrong email or password"),
        429: problemResponse("Too many failed sign-ins"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const { email, password } = c.req.valid("json");
      const name = sessionCookieName(deps.config.PUBLIC_URL);
      const { token, user } = await login(deps, email, password, clientAddress(c), getCookie(c, name));
      setCookie(c, name, token, {
        httpOnly: true,
        secure: cookieIsSecure(deps.config.PUBLIC_URL),
        sameSite: "Lax",
        path: "/",
        maxAge: deps.config.SESSION_ABSOLUTE_HOURS * 3600,
      });
      return c.json({ user }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/auth/logout",
      tags: ["Auth"],
      summary: "Sign out; the session ends on the server",
      access: "public",
      responses: { 204: { description: "Signed out" } },
    }),
    async (c) => {
      const deps = c.get("deps");
      const name = sessionCookieName(deps.config.PUBLIC_URL);
      const token = getCookie(c, name);
      const user = c.get("user");
      if (token) await logout(deps, token, user ? { type: "staff", id: user.id } : { type: "system", job: "logout" });
      deleteCookie(c, name, { path: "/", secure: cookieIsSecure(deps.config.PUBLIC_URL) });
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/me",
      tags: ["Auth"],
      summary: "The signed-in person",
      access: "signed_in",
      responses: { 200: jsonResponse(UserSchema, "You") },
    }),
    (c) => c.json(c.get("user")!, 200),
  )
  .openapi(
    defineRoute({
      method: "put",
      path: "/api/me/password",
      tags: ["Auth"],
      summary: "Change your own password (your other sessions end)",
      access: "signed_in",
      request: jsonBody(z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(12, "must be at least 12 characters").max(1024) })),
      responses: {
        204: { description: "Changed" },
        400: problemResponse("The new password is refused by the policy (too common, one repeated character, the current one)"),
        422: problemResponse("The current password is wrong"),
        429: problemResponse("Too many wrong attempts"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const { currentPassword, newPassword } = c.req.valid("json");
      const token = c.get("authVia") === "cookie" ? getCookie(c, sessionCookieName(deps.config.PUBLIC_URL)) : undefined;
      await changeOwnPassword(deps, c.get("user")!, currentPassword, newPassword, clientAddress(c), token);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/tokens",
      tags: ["Auth"],
      summary: "Create an API token for scripts (shown once)",
      access: ADMINS,
      request: jsonBody(
        z.object({
          staffId: z.string().min(1),
          name: visibleText(200),
          expiresInDays: z.number().int().min(1).max(TOKEN_MAX_DAYS).optional().openapi({ description: `Refused after this many days (default ${TOKEN_DEFAULT_DAYS})` }),
          readOnly: z.boolean().optional().openapi({ description: "Only GET, HEAD and OPTIONS (default false)" }),
        }),
      ),
      responses: {
        201: jsonResponse(TokenMade, "The token, shown once"),
        404: problemResponse("Unknown staff"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const { staffId, name, expiresInDays, readOnly } = c.req.valid("json");
      await getStaff(deps, staffId);
      return c.json(await issueApiToken(deps, actorOf(c), staffId, name, { expiresInDays, readOnly }), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/tokens",
      tags: ["Auth"],
      summary: "API tokens (never the secrets)",
      access: ADMINS,
      responses: {
        200: jsonResponse(
          TokenList,
          "Tokens",
        ),
      },
    }),
    async (c) => {
      const tokens = (await listApiTokens(c.get("deps"))).map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), revokedAt: t.revokedAt?.toISOString() ?? null, expiresAt: t.expiresAt?.toISOString() ?? null }));
      return c.json({ tokens }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/api/tokens/{id}",
      tags: ["Auth"],
      summary: "Revoke an API token (it stops working at once)",
      access: ADMINS,
      request: { params: IdParam },
      responses: { 204: { description: "Revoked" }, 404: problemResponse("Unknown token") },
    }),
    async (c) => {
      await revokeApiToken(c.get("deps"), actorOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
