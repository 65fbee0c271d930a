// Group commit: the check-ins waiting at one moment share one IMMEDIATE transaction,
// so one fsync makes them all durable. Each runs in its own savepoint, so one that
// fails (409, 404) rolls back alone; every caller is answered only after the commit.
import { inCurrentVia } from "../../audit/via.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";

interface Job {
  fn: (tx: Tx) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const queues = new WeakMap<Db, Job[]>();

export function groupTx<T>(db: Db, fn: (tx: Tx) => T): Promise<T> {
  let q = queues.get(db);
  if (!q) {
    q = [];
    queues.set(db, q);
  }
  const queue = q;
  return new Promise<T>((resolve, reject) => {
    // Each job runs in its own request's token scope (the flush runs in the first one's
    // context), so the API token a write is made with stays its own.
    queue.push({ fn: inCurrentVia(fn), resolve: resolve as (v: unknown) => void, reject });
    if (queue.length === 1) setImmediate(() => flush(db, queue));
  });
}

function flush(db: Db, queue: Job[]): void {
  const jobs = queue.splice(0);
  const results: ({ ok: true; v: unknown } | { ok: false; e: unknown })[] = [];
  // Savepoint statements prepared once (drizzle's nested transaction builds them per call).
  const savepoint = prepared(db, "SAVEPOINT group_job");
  const rollbackTo = prepared(db, "ROLLBACK TO group_job");
  const release = prepared(db, "RELEASE group_job");
  try {
    writeTx(db, (tx) => {
      for (const j of jobs) {
        savepoint.run();
        let r: (typeof results)[number];
        try {
          r = { ok: true, v: j.fn(tx) };
        } catch (e) {
          // If even this fails the transaction is unusable: it escapes, and every job is refused.
          rollbackTo.run();
          r = { ok: false, e };
        }
        release.run();
        results.push(r);
      }
    });
  } catch (e) {
    for (const j of jobs) j.reject(e);
    return;
  }
  jobs.forEach((j, i) => {
    const r = results[i]!;
    if (r.ok) j.resolve(r.v);
    else j.reject(r.e);
  });
}
