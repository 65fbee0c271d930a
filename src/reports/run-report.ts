// Reports run off the main thread. The HR reports over a large council's history
// take 50-200 ms of CPU each, and several asked at once ran back to back on the
// event loop, holding up the escalation scheduler (a visit falling due waited for
// them) and /healthz. So with a database file, a report runs in a worker thread
// with its own read-only connection (src/reports/worker.ts); the main thread only
// validates, hands over and sends the answer.
//
// An in-memory database (`:memory:`, the API tests) cannot be opened from another
// thread: there the report runs in-process, as before.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Deps } from "../deps.js";
import type { Db } from "../db/connection.js";
import { DomainError, RateLimited, type FieldError } from "../errors.js";
import { REPORT_JOBS, type ReportJobs, type ReportName } from "./jobs.js";
import type { ReportReply, ReportRequest } from "./worker.js";

type Rest<F> = F extends (db: Db, ...rest: infer A) => unknown ? A : never;

/** A report that runs longer than this is a bug (a loop that does not end): its thread is ended. */
export const REPORT_TIMEOUT_MS = 120_000;
/**
 * Reports handed to threads and not yet answered, at most: each holds an open request and
 * queued work, so a flood of report requests is refused (429) rather than queued without end.
 */
export const MAX_REPORTS_IN_FLIGHT = 24;
/** Threads per database: one leaves the other core to the event loop on a small box. */
const THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));

type Mode = "auto" | "in-process";
let mode: Mode = "auto";
/** For the bench and the event-loop test only: "in-process" runs every report on the main thread, as before. */
export function setReportThreadMode(m: Mode): void {
  mode = m;
}

interface Pending {
  name: ReportName;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** One worker thread; it runs the reports handed to it one at a time, in order. */
class ReportThread {
  /** In the order handed over, which is the order the thread runs them: the first is running. */
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  private dead = false;
  /** Watches the running report (the first pending), so time spent queued is not counted. */
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    path: string,
    private readonly onDead: (t: ReportThread) => void,
    private readonly log: Deps["log"],
  ) {
    this.worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: { path } });
    this.worker.unref(); // an idle report thread never keeps the process alive
    this.worker.on("message", (m: ReportReply | { ready: true }) => {
      if (!("id" in m)) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.watch();
      if (m.ok) p.resolve(m.result);
      else p.reject(rebuild(m.error));
    });
    this.worker.on("error", (e) => this.die(e));
    this.worker.on("exit", (code) => this.die(new Error(`report thread exited (code ${code})`)));
  }

  get load(): number {
    return this.pending.size;
  }

  run(id: number, name: ReportName, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { name, resolve, reject });
      if (this.pending.size === 1) this.watch();
      this.worker.postMessage({ id, name, args } satisfies ReportRequest);
    });
  }

  /** (Re)arm the watchdog for the report now running, if any. */
  private watch(): void {
    clearTimeout(this.watchdog);
    const running = this.pending.values().next().value;
    if (!running) return;
    this.watchdog = setTimeout(() => {
      this.log.error({ report: running.name, timeoutMs: REPORT_TIMEOUT_MS }, "report ran too long: its thread is ended");
      this.die(new Error(`report ${running.name} ran longer than ${REPORT_TIMEOUT_MS} ms`));
    }, REPORT_TIMEOUT_MS);
    this.watchdog.unref();
  }

  /** Fail what it was running and take it out of service; the next report starts a new thread. */
  die(e: Error): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.watchdog);
    this.onDead(this);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    void this.worker.terminate();
  }
}

/** A DomainError keeps its status (a 400 from the worker is a 400 here); anything else is a 500. */
function rebuild(e: Extract<ReportReply, { ok: false }>["error"]): Error {
  if (e.status !== undefined) return new DomainError(e.status as DomainError["status"], e.title ?? "Error", e.message, e.errors as FieldError[] | undefined);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

const pools = new Map<string, ReportThread[]>();
let nextId = 1;

/** An idle thread for this database, a new one while there are fewer than THREADS, else the least busy. */
function threadFor(deps: Deps, path: string): ReportThread {
  let pool = pools.get(path);
  if (!pool) pools.set(path, (pool = []));
  const idle = pool.find((t) => t.load === 0);
  if (idle) return idle;
  if (pool.length < THREADS) {
    const t = new ReportThread(path, (dead) => {
      const list = pools.get(path);
      const i = list?.indexOf(dead) ?? -1;
      if (i >= 0) list!.splice(i, 1);
    }, deps.log);
    pool.push(t);
    return t;
  }
  return pool.reduce((a, b) => (b.load < a.load ? b : a));
}

/** Where reports on this database run: a worker thread for a file, in-process for `:memory:`. */
export function reportsRunIn(deps: Deps): "worker" | "in-process" {
  return mode === "in-process" || deps.db.$client.memory ? "in-process" : "worker";
}

/**
 * Run a report (src/reports/jobs.ts) with the arguments after the database: in a
 * worker thread when the database is a file, in-process when it is in memory.
 */
export async function runReport<K extends ReportName>(deps: Deps, name: K, ...args: Rest<ReportJobs[K]>): Promise<Awaited<ReturnType<ReportJobs[K]>>> {
  if (reportsRunIn(deps) === "in-process") {
    const run = REPORT_JOBS[name] as (db: Db, ...a: unknown[]) => Promise<Awaited<ReturnType<ReportJobs[K]>>>;
    return run(deps.db, ...args);
  }
  if (reportsInFlight() >= MAX_REPORTS_IN_FLIGHT) {
    throw new RateLimited(`${MAX_REPORTS_IN_FLIGHT} reports are being worked on already; try again in a few seconds.`, 5);
  }
  return (await threadFor(deps, deps.db.$client.name).run(nextId++, name, args)) as Awaited<ReturnType<ReportJobs[K]>>;
}

/** Reports handed to threads and not yet answered. */
export const reportsInFlight = (): number => [...pools.values()].flat().reduce((n, t) => n + t.load, 0);

/** End every report thread (shutdown, tests); reports still running fail. */
export async function closeReportThreads(): Promise<void> {
  const all = [...pools.values()].flat();
  pools.clear();
  for (const t of all) t.die(new Error("report threads closed"));
}
