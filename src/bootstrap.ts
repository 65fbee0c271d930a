import type { Logger } from "pino";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import { DatabaseUnavailable, describeDatabaseError, openDatabase, probeWrite } from "./db/connection.js";
import { migrateDatabase } from "./db/migrate.js";
import type { Deps } from "./deps.js";
import { EventBus } from "./events.js";
import { createLogger } from "./log.js";
import { countStaff, createStaff } from "./staff/service.js";
import { noPush } from "./lone-working/delivery/channels/push/types.js";

/**
 * Open and migrate the database, prove it takes a durable write, and assemble the
 * dependencies every part shares. A database that cannot be used or written (read-only
 * file, full disk, a path through a file) throws DatabaseUnavailable naming DATABASE_PATH:
 * a service that cannot store an alarm must not start and look ready.
 */
export function openDeps(config: Config, opts: { clock?: Clock; log?: Logger } = {}): Deps {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const path = config.DATABASE_PATH;
  const db = openDatabase(path);
  try {
    migrateDatabase(db);
    probeWrite(db, path, clock.now());
  } catch (e) {
    db.$client.close();
    throw e instanceof DatabaseUnavailable ? e : new DatabaseUnavailable(path, describeDatabaseError(e, path));
  }
  return { db, clock, config, log, events: new EventBus(), push: noPush, wakeScheduler: () => {} };
}

/** For entry points: openDeps, or print why the database cannot be used and exit 1 (no stack). */
export function openDepsOrExit(config: Config, opts: { clock?: Clock; log?: Logger } = {}): Deps {
  try {
    return openDeps(config, opts);
  } catch (e) {
    if (e instanceof DatabaseUnavailable) {
      console.error(`Cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

/** On an empty database, ADMIN_EMAIL/ADMIN_PASSWORD make the first admin. */
export async function ensureFirstAdmin(deps: Deps): Promise<void> {
  const { ADMIN_EMAIL, ADMIN_PASSWORD } = deps.config;
  const n = await countStaff(deps);
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) {
    // A newcomer's first start: say how to get in rather than show a sign-in nobody can pass.
    if (n === 0) deps.log.warn("Nobody can sign in yet: restart with ADMIN_EMAIL and ADMIN_PASSWORD, or run npm run admin:create (or npm run demo)");
    return;
  }
  if (n > 0) {
    deps.log.info("ADMIN_EMAIL/ADMIN_PASSWORD ignored: the database already has staff (use npm run admin:create)");
    return;
  }
  await createStaff(deps, { type: "system", job: "first-admin" }, { name: "Administrator", email: ADMIN_EMAIL, roles: ["admin"], category: "other", password: ADMIN_PASSWORD });
  deps.log.info({ email: ADMIN_EMAIL }, "first admin created");
}
