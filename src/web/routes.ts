import { Hono, type Context } from "hono";
import type { AppEnv } from "../deps.js";
import { staticFile } from "./static.js";
import { webPages } from "./pages.js";

/** The server-rendered pages, service worker and manifest. */
export const webRoutes = new Hono<AppEnv>();

function sendStatic(c: Context<AppEnv>, name: string, extra: Record<string, string> = {}) {
  const f = staticFile(name);
  if (!f) return c.notFound();
  return c.body(f.body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": f.type, "Cache-Control": "no-cache", ...extra });
}

// The service worker lives at the root so that it controls every page.
webRoutes.get("/sw.js", (c) => sendStatic(c, "sw.js", { "Service-Worker-Allowed": "/" }));
webRoutes.get("/manifest.webmanifest", (c) => sendStatic(c, "manifest.webmanifest"));
webRoutes.get("/static/:name", (c) => sendStatic(c, c.req.param("name")));
webRoutes.route("/", webPages);
