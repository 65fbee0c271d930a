import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Db } from "./db/connection.js";
import type { EventBus } from "./events.js";
import type { Role, Category } from "./staff/schema.js";
import type { PushSender } from "./lone-working/delivery/channels/push/types.js";

/** Everything a request handler or job may touch, passed in rather than imported. */
export interface Deps {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
  events: EventBus;
  /** Web push to a person's devices (src/lone-working/delivery/channels/push). */
  push: PushSender;
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

export type AppEnv = {
  Variables: {
    deps: Deps;
    requestId: string;
    user?: CurrentUser;
    authVia?: "cookie" | "bearer";
  };
};
