import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { accessSync, constants, mkdirSync, statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as schema from "./schema.js";

/**
 * The database at DATABASE_PATH cannot be used (or written). The message names the path
 * and the cause in words, for an operator: entry points print it, not a stack.
 */
export class DatabaseUnavailable extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`DATABASE_PATH=${path}: ${reason}`);
  }
}

/** Free bytes for this process on the file system holding `path` (undefined: in memory, or unreadable). */
export function freeBytes(path: string): number | undefined {
  if (path === ":memory:") return undefined;
  try {
    const st = statfsSync(dirname(resolve(path)));
    return st.bavail * st.bsize;
  } catch {
    return undefined;
  }
}

/** SQLite says only "unable to open": ask the file system why (WAL mode must create its -shm and -wal files beside it). */
function whyCannotOpen(path: string): string {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EROFS") return "its file system is read-only";
    if (code === "ENOENT") return "its directory does not exist";
    return "its directory cannot be written";
  }
  return "no permission, or not a file";
}

/** Why an error from the file system or SQLite means the database cannot be used, in words. */
export function describeDatabaseError(e: unknown, path: string): string {
  const err = e as { code?: string; message?: string };
  const code = typeof err?.code === "string" ? err.code : "";
  const raw = err?.message ?? String(e);
  const free = freeBytes(path);
  const disk = free !== undefined && free < 1024 * 1024 ? ` (the disk is full: ${free} bytes free)` : "";
  if (code === "ENOTDIR" || code === "EEXIST") return `a part of the path is a file, not a directory (${raw})`;
  if (code === "EACCES" || code === "EPERM") return `permission denied (${raw})`;
  if (code === "EROFS") return `the file system is read-only (${raw})`;
  if (code === "ENOSPC") return `the disk is full (${raw})`;
  if (code.startsWith("SQLITE_READONLY")) return `the database cannot be written: the file or its file system is read-only (${code}: ${raw})`;
  if (code.startsWith("SQLITE_FULL")) return `the database cannot be written: the disk is full${disk} (${code}: ${raw})`;
  if (code.startsWith("SQLITE_IOERR")) return `the disk refused a read or write${disk} (${code}: ${raw})`;
  if (code.startsWith("SQLITE_CANTOPEN")) return `the file cannot be opened (${whyCannotOpen(path)}) (${code}: ${raw})`;
  if (code === "SQLITE_NOTADB") return `the file is not a SQLite database (${code}: ${raw})`;
  if (code.startsWith("SQLITE_CORRUPT")) return `the database file is corrupt (${code}: ${raw})`;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return `the database is locked by another process (${code}: ${raw})`;
  return code ? `${code}: ${raw}` : raw;
}

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle inside db.transaction(); same query API as Db. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Open the database with the pragmas durability depends on: WAL so readers never
 * block the writer, synchronous=FULL so an acknowledged write survives power loss,
 * a busy timeout so a second process (the worker) waits rather than fails.
 */
export function openDatabase(path: string): Db {
  let sqlite: Database.Database | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
    if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
  } catch (e) {
    sqlite?.close();
    throw new DatabaseUnavailable(path, describeDatabaseError(e, path));
  }
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * Open the database file read-only (a report thread's own connection: WAL lets it read
 * while another connection writes), with a busy timeout so it waits rather than fails,
 * and, for long scans, a larger page cache (KiB) and the file mapped into memory (bytes).
 */
export function openReadOnly(path: string, tuning: { cacheKiB?: number; mmapBytes?: number } = {}): Db {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    sqlite.pragma("busy_timeout = 5000");
    if (tuning.cacheKiB !== undefined) sqlite.pragma(`cache_size = -${Math.floor(tuning.cacheKiB)}`);
    if (tuning.mmapBytes !== undefined) sqlite.pragma(`mmap_size = ${Math.floor(tuning.mmapBytes)}`);
  } catch (e) {
    sqlite?.close();
    throw new DatabaseUnavailable(path, describeDatabaseError(e, path));
  }
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * Prove the database takes a durable write: commit a tiny upsert of one settings row. A
 * rolled-back write is not enough: SQLite keeps it in memory, so a full disk would pass
 * (a read-only file would not). Throws DatabaseUnavailable with the cause.
 */
export function probeWrite(db: Db, path: string, at: Date, opts: { busyTimeoutMs?: number } = {}): void {
  const sqlite = db.$client;
  const busy = sqlite.pragma("busy_timeout", { simple: true }) as number;
  // A probe waits less for the lock than a real write: it must not hold up the event loop.
  if (opts.busyTimeoutMs !== undefined) sqlite.pragma(`busy_timeout = ${Math.floor(opts.busyTimeoutMs)}`);
  try {
    sqlite
      .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('write_probe', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
      .run(JSON.stringify({ pid: process.pid }), at.getTime());
  } catch (e) {
    // Busy: another connection holds the write lock, so the file takes writes. A lock held
    // for good shows as a stale scheduler heartbeat, which readiness reports on its own.
    if (opts.busyTimeoutMs !== undefined && String((e as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY")) return;
    throw new DatabaseUnavailable(path, describeDatabaseError(e, path));
  } finally {
    if (opts.busyTimeoutMs !== undefined) sqlite.pragma(`busy_timeout = ${busy}`);
  }
}

/** Run fn in one IMMEDIATE transaction: it takes the write lock up front, so two
 *  processes never deadlock upgrading a read lock. fn must be synchronous. */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: "immediate" });
}
