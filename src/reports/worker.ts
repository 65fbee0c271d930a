// A report worker thread: its own read-only connection to the same database file
// (WAL lets it read while the main thread writes), running one report at a time,
// so a report's CPU never holds up the main thread's event loop (the escalation
// scheduler, /healthz, check-ins). Started by src/reports/run-report.ts.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "../db/schema.js";
import type { Db } from "../db/connection.js";
import { REPORT_JOBS, type ReportName } from "./jobs.js";
import { DomainError } from "../errors.js";

export interface ReportRequest {
  id: number;
  name: ReportName;
  args: unknown[];
}
export type ReportReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string; status?: number; title?: string; errors?: unknown } };

const { path } = workerData as { path: string };
const sqlite = new Database(path, { readonly: true, fileMustExist: true });
sqlite.pragma("busy_timeout = 5000");
// Reports scan years of history: a larger page cache than the default 2 MiB, and the
// file mapped, so repeated reports read from memory rather than page by page.
sqlite.pragma("cache_size = -65536");
sqlite.pragma("mmap_size = 268435456");
const db = drizzle(sqlite, { schema }) as Db;
const port = parentPort!;

port.on("message", (req: ReportRequest) => {
  let reply: ReportReply;
  try {
    const run = REPORT_JOBS[req.name] as (db: Db, ...args: unknown[]) => unknown;
    reply = { id: req.id, ok: true, result: run(db, ...req.args) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = {
      id: req.id,
      ok: false,
      error: {
        name: err.name,
        message: err.message,
        stack: err.stack,
        ...(err instanceof DomainError ? { status: err.status, title: err.title, errors: err.errors } : {}),
      },
    };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
