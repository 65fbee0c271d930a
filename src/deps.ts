import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Db } from "./db/connection.js";
import type { EventBus } from "./events.js";
import type { Role, Category } from "./staff/schema.js";
import type { PushSender } from "./lone-working/delivery/channels/push/types.js";
import type { NotifySender } from "./lone-working/delivery/channels/notify/client.js";

/** Everything a request handler or job may touch, passed in rather than imported. */
export interface Deps {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
  events: EventBus;
  /** Web push to a person's devices (src/lone-working/delivery/channels/push). */
  push: PushSender;
  /** GOV.UK Notify (text and email), when NOTIFY_API_KEY is set (channels/notify startNotify). */
  notify?: NotifySender;
  /** Called after a write that may change what the escalation scheduler must do. */
  wakeScheduler: () => void;
}

export interface CurrentUser {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  teamId: string | null;
  category: Category;
}

/** The app serving a request, as pages call it in-process with the caller's rights (src/web/api.ts). */
export interface InProcessApi {
  request(input: string, init?: RequestInit, env?: unknown): Response | Promise<Response>;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    /** Set by src/app.ts beside `deps`. */
    api: InProcessApi;
    requestId: string;
    user?: CurrentUser;
    authVia?: "cookie" | "bearer";
  };
};
