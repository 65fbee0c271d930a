// A report worker thread: its own read-only connection to the same database file
// (WAL lets it read while the main thread writes), running one report at a time,
// so a report's CPU never holds up the main thread's event loop (the escalation
// scheduler, /healthz, check-ins). Started by src/reports/run-report.ts.
import { parentPort, workerData } from "node:worker_threads";
import { openReadOnly, type Db } from "../db/connection.js";
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
// Reports scan years of history: a larger page cache than the default 2 MiB, and the
// file mapped, so repeated reports read from memory rather than page by page.
const db = openReadOnly(path, { cacheKiB: 65536, mmapBytes: 268435456 });
const port = parentPort!;

async function answer(req: ReportRequest): Promise<ReportReply> {
  try {
    const run = REPORT_JOBS[req.name] as (db: Db, ...args: unknown[]) => Promise<unknown>;
    return { id: req.id, ok: true, result: await run(db, ...req.args) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return {
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
}

// One report at a time, answered in the order asked (run-report.ts counts on it: the
// first report it handed over and has no answer for is the one running).
let queue = Promise.resolve();
port.on("message", (req: ReportRequest) => {
  queue = queue.then(async () => port.postMessage(await answer(req)));
});
port.postMessage({ ready: true });
