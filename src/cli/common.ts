// Shared start-up for the command-line tools: the same config and database as
// the server, logs to stderr (stdout is the tool's answer), a clear exit on a bad value.
import { existsSync } from "node:fs";
import { loadConfig, ConfigError, type Config } from "../config.js";
import { openDeps } from "../bootstrap.js";
import { createLogger } from "../log.js";
import type { Deps } from "../deps.js";
import { openDatabase, type Db } from "../db/connection.js";

/** Exit codes: 0 done, 1 the check failed or the task was refused, 2 usage or configuration. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

export function cliConfig(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
}

/** Open (creating and migrating if need be) the service's database, as the server does. */
export function cliDeps(): Deps {
  const config = cliConfig();
  const log = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, 2);
  return openDeps(config, { log });
}

/**
 * The database alone, as it is: no migrations, no triggers re-made. A check must not
 * change what it checks, and must not upgrade a live database from another checkout.
 */
export function cliDb(): { db: Db; config: Config } {
  const config = cliConfig();
  if (config.DATABASE_PATH !== ":memory:" && !existsSync(config.DATABASE_PATH)) fail(`No database at ${config.DATABASE_PATH} (set DATABASE_PATH).`);
  const db = openDatabase(config.DATABASE_PATH);
  const hasAudit = db.$client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
  if (!hasAudit) fail(`${config.DATABASE_PATH} has no audit_log table: is it a Dutyline database? Start the service once to create it.`);
  return { db, config };
}

export function closeDeps(deps: { db: Db }): void {
  deps.db.$client.close();
}

/** Read a secret: the first line of stdin when piped, or a prompt with echo off at a terminal. */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve) => {
    let value = "";
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
