// Signing in (issue 11): the form posts to /login and signs in without JavaScript. The page
// calls the API's own sign-in in-process (the same throttle, the same answers, the same
// session), passes the session cookie it sets on to the browser and sends the person on
// (POST → 303 → GET). A refusal shows the form again with the API's words and the email kept.
import type { Context } from "hono";
import type { AppEnv } from "../deps.js";
import { ProblemSchema } from "../http/problem.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { LoginPage } from "./pages/login.js";
import type { FormErrors } from "./forms.js";

/** Where to go after signing in: a path on this site, else home (never another site: `//x`, `/\x`, `https:`). */
export function safeNext(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || /[\\\u0000-\u001f]/.test(raw)) return "/";
  try {
    const base = "http://same.invalid";
    const u = new URL(raw, base);
    const path = u.pathname + u.search + u.hash;
    return u.origin === base && !path.startsWith("//") && !u.pathname.startsWith("/login") ? path : "/";
  } catch {
    return "/";
  }
}

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** The API's sign-in, as this browser (its cookie, its address): the answer and the cookies it sets. */
async function apiLogin(c: Context<AppEnv>, email: string, password: string) {
  const api = c.get("api");
  if (!api) throw new Error("No in-process API on this request: pages are served by the app that createApp (src/app.ts) builds.");
  const url = new URL("/api/auth/login", c.req.url);
  const headers = new Headers({ "content-type": "application/json", origin: url.origin });
  for (const h of ["cookie", "x-forwarded-for", "user-agent"] as const) {
    const v = c.req.header(h);
    if (v) headers.set(h, v);
  }
  const requestId = c.get("requestId");
  if (requestId) headers.set("x-request-id", requestId);
  // c.env carries the connection, so the throttle counts this browser's address, not the server's.
  const res = await api.request(url.href, { method: "POST", headers, body: JSON.stringify({ email, password }) }, c.env);
  let detail: string | undefined;
  if (!res.ok) {
    try {
      const p = ProblemSchema.safeParse(await res.json());
      detail = p.success ? p.data.detail : undefined;
    } catch {
      detail = undefined;
    }
  }
  return { status: res.status, cookies: res.headers.getSetCookie(), retryAfter: res.headers.get("retry-after"), detail };
}

definePage("/login", {
  get: (c) => page(c, LoginPage({ next: safeNext(c.req.query("next")) })),
  post: async (c) => {
    const form = await formOf(c);
    const email = text(form.email).trim();
    const password = text(form.password);
    const next = safeNext(text(form.next) || c.req.query("next"));
    const again = (errors: FormErrors, status: number) => page(c, LoginPage({ values: { email }, errors, next }), status);
    const missing: FormErrors = {};
    if (!email) missing.email = "Enter your email address.";
    if (!password) missing.password = "Enter your password.";
    if (Object.keys(missing).length) return again(missing, 400);

    const res = await apiLogin(c, email, password);
    if (res.status === 200) {
      for (const cookie of res.cookies) c.header("Set-Cookie", cookie, { append: true });
      return seeOther(c, next);
    }
    if (res.status === 429) {
      if (res.retryAfter) c.header("Retry-After", res.retryAfter);
      return again({ "": res.detail ?? "Too many attempts to sign in. Wait a few minutes and try again." }, 429);
    }
    if (res.status === 401) return again({ "": res.detail ?? "Wrong email or password." }, 401);
    if (res.status === 400) return again({ "": "Check your email address and password: one of them is too long." }, 400);
    return again({ "": res.detail ?? "Signing in did not work. Try again in a moment." }, res.status >= 500 ? 503 : res.status);
  },
});
