// How a page is registered: under its rule in PAGES (page-access.ts), GET and, for a page
// with a form, POST, behind one gate. A new page is a view in pages/*.tsx, its rule in
// PAGES, and a `definePage` call whose handler reads (and writes) through api.ts:
//
//   definePage("/rotas/new", {
//     get: (c, user) => page(c, NewRotaPage({ user, values: {}, errors: {} })),
//     post: async (c, user) => {
//       const values = await formOf(c);
//       const made = await send(c, "POST", "/api/rotas", { name: values.name, kind: values.kind }, RotaSchema);
//       if (made.ok) return seeOther(c, `/rota?rota=${made.data.id}`);
//       return page(c, NewRotaPage({ user, values, errors: fieldErrors(made.problem) }), made.status);
//     },
//   });
import { Hono, type Context } from "hono";
import type { AppEnv, CurrentUser } from "../deps.js";
import { hasAny } from "../staff/roles.js";
import { handleError, loggableError } from "../http/problem.js";
import { PageDataError } from "./api.js";
import { ForbiddenPage } from "./pages/forbidden.js";
import { ServerErrorPage } from "./pages/server-error.js";
import { PAGES, type PageAccess, type PagePath, type PublicPagePath } from "./page-access.js";

/** Every page's routes (mounted by web/routes.ts); the page × role matrix test walks them. */
export const webPages = new Hono<AppEnv>();

// An API answer a page cannot read is our fault (500), said as a page; the log names the call and field.
webPages.onError((err, c) => {
  if (!(err instanceof PageDataError)) return handleError(err, c);
  c.get("deps").log.error({ requestId: c.get("requestId"), error: loggableError(err) }, "page could not read the API's answer");
  return page(c, ServerErrorPage({ user: c.get("user"), requestId: c.get("requestId") }), 500);
});

/** A rendered page: never stored by a cache (pages carry health and HR data). */
export const page = (c: Context<AppEnv>, node: unknown, status = 200) => {
  c.header("Cache-Control", "no-store");
  return c.html(`<!doctype html>${String(node)}`, status as 200);
};

/** After a form's write: POST → 303 → GET, so a reload never sends it twice. */
export const seeOther = (c: Context<AppEnv>, to: string) => c.redirect(to, 303);

/** A form's fields as sent (a field sent more than once, such as checkboxes, as a list). */
export async function formOf(c: Context<AppEnv>): Promise<Record<string, string | string[]>> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(await c.req.parseBody({ all: true }))) {
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
    if (list.length) out[k] = Array.isArray(v) ? list : list[0]!;
  }
  return out;
}

export type PageHandler<P extends PagePath> = (c: Context<AppEnv, P>, user: P extends PublicPagePath ? CurrentUser | undefined : CurrentUser) => Response | Promise<Response>;

/**
 * Register a page under its rule in PAGES: nobody signed in is sent to /login (and comes
 * back here), a role the rule does not list reads why (403). The handlers run only past it.
 */
export function definePage<P extends PagePath>(path: P, handlers: PageHandler<P> | { get: PageHandler<P>; post?: PageHandler<P> }) {
  const { get, post } = typeof handlers === "function" ? { get: handlers, post: undefined } : handlers;
  webPages.get(path, gated(path, get));
  if (post) webPages.post(path, gated(path, post));
}

function gated<P extends PagePath>(path: P, handler: PageHandler<P>) {
  const rule: PageAccess = PAGES[path];
  return (c: Context<AppEnv, P>) => {
    const user = c.get("user");
    if (rule.access !== "public") {
      if (!user) {
        const u = new URL(c.req.url);
        return c.redirect(`/login?next=${encodeURIComponent(u.pathname + u.search)}`, 303);
      }
      if (rule.access !== "signed_in" && !hasAny(user, rule.access)) return page(c, ForbiddenPage({ user, what: rule.forbidden }), 403);
    }
    return (handler as PageHandler<PagePath>)(c, user!);
  };
}
