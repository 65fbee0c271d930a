import { OpenAPIHono } from "@hono/zod-openapi";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv, Deps } from "./deps.js";
import { handleError, problem } from "./http/problem.js";
import { originCheck, resolveUser } from "./auth/middleware.js";
import { authRoutes } from "./auth/routes.js";
import { staffRoutes } from "./staff/routes.js";
import { auditRoutes } from "./audit/routes.js";
import { rotaRoutes } from "./rota/routes.js";
import { visitsRoutes } from "./lone-working/visits/routes.js";
import { alertsRoutes } from "./lone-working/alerts/routes.js";
import { textCallbackRoutes } from "./lone-working/alerts/text-callbacks.js";
import { drillRoutes } from "./lone-working/alerts/drill-routes.js";
import { pushRoutes } from "./lone-working/delivery/channels/push/routes.js";
import { hrRoutes } from "./hr/routes.js";
import { reportsRoutes } from "./reports/routes.js";
import { webRoutes } from "./web/routes.js";
import { docsRoutes } from "./web/docs.js";
import { healthRoutes } from "./http/health.js";

export const API_VERSION = "0.1.0";

/**
 * What a browser or proxy may keep, by route pattern. Answers carry health and HR data,
 * so the default is no-store; a route that sets its own header (static files, a
 * calendar feed's `private`) keeps it, except that under /api nothing else may be
 * stored by a shared cache (an event stream's `no-cache` becomes no-store).
 */
const CACHEABLE: Record<string, string> = {
  "/api/push/vapid-public-key": "public, max-age=300",
  "/openapi.json": "public, max-age=300",
};
const SAFE_API_CACHING = /^(no-store|private\b)/;

/** Build the app. No side effects: tests build one per database. */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    c.set("deps", deps);
    c.set("api", app); // pages read through this same app, as the caller (src/web/api.ts)
    c.set("requestId", c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID());
    await next();
    // On the response as built (c.header here would re-wrap a finished response, body and all).
    c.res.headers.set("X-Request-Id", c.get("requestId"));
    const set = c.res.headers.get("Cache-Control");
    const allowed = CACHEABLE[c.req.routePath];
    if (allowed && c.res.status === 200) c.res.headers.set("Cache-Control", set ?? allowed);
    else if (!set || (c.req.path.startsWith("/api/") && !SAFE_API_CACHING.test(set))) c.res.headers.set("Cache-Control", "no-store");
    // The route pattern, not the path: a calendar token in a URL never reaches a log.
    deps.log.info(
      { requestId: c.get("requestId"), method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) },
      "request",
    );
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      strictTransportSecurity: "max-age=31536000; includeSubDomains",
      referrerPolicy: "no-referrer",
      permissionsPolicy: { geolocation: ["self"], camera: [], microphone: [] },
    }),
  );
  app.use(originCheck);
  app.use(resolveUser);

  app.route("/", healthRoutes);
  app.route("/", authRoutes);
  app.route("/", staffRoutes);
  app.route("/", auditRoutes);
  app.route("/", rotaRoutes);
  app.route("/", visitsRoutes);
  app.route("/", alertsRoutes);
  app.route("/", textCallbackRoutes);
  app.route("/", drillRoutes);
  app.route("/", pushRoutes);
  app.route("/", hrRoutes);
  app.route("/", reportsRoutes);
  app.route("/", webRoutes);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Dutyline API",
      version: API_VERSION,
      description: "AMHP duty rota, lone-working escalation and HR records. Errors are RFC 9457 problem JSON.",
    },
  });
  // Swagger UI from the installed package, under the same CSP as every page.
  app.route("/", docsRoutes);

  app.notFound((c) => problem(c, 404, "Not found", "No such path."));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
