import { Hono } from "hono";
import type { AppEnv } from "../deps.js";

/** The server-rendered pages, service worker and manifest. */
export const webRoutes = new Hono<AppEnv>();
