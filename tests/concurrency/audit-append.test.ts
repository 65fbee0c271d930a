// Issue 10: audit appends are serialised by the store, so the chain can never fork, however
// many connections append at once (two processes here, each its own connection and lock waits).
import { afterEach, describe, expect, it } from "vitest";
import { asc, count, eq } from "drizzle-orm";
import { auditLog } from "../../src/audit/schema.js";
import { appendAudit, verifyChain } from "../../src/audit/store.js";
import { writeTx, type Tx } from "../../src/db/connection.js";
import { raceProcesses, twoConnections } from "./file-db.js";

const SYS = { type: "system" as const, job: "test" };
let env: ReturnType<typeof twoConnections> | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

describe("audit appends from two connections", () => {
  it("two processes appending 500 rows each at once make one chain: seqs 1..1000, verify ok", async () => {
    env = twoConnections();
    const before = env.a.db.select({ n: count() }).from(auditLog).get()!.n; // rows the setup wrote, if any
    // Really interleaved: in trial runs the chain switched between the two writers 5 to 9 times.
    await raceProcesses("append", env.path, ["left", "right"], 500);
    const rows = env.a.db.select({ seq: auditLog.seq, actorId: auditLog.actorId }).from(auditLog).orderBy(asc(auditLog.seq)).all();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: before + 1000 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.actorId === "left")).toHaveLength(500);
    expect(rows.filter((r) => r.actorId === "right")).toHaveLength(500);
    expect(verifyChain(env.a.db)).toMatchObject({ ok: true, entries: before + 1000 });
    expect(verifyChain(env.b.db)).toMatchObject({ ok: true, entries: before + 1000 });
  });

  it("outside a write transaction appendAudit refuses, and writes nothing", () => {
    env = twoConnections();
    const n = () => env!.a.db.select({ n: count() }).from(auditLog).get()!.n;
    const before = n();
    // The type already asks for a transaction handle; this is a caller that got round it.
    expect(() => appendAudit(env!.a.db as unknown as Tx, SYS, { action: "x", entity: "test", entityId: "1" }, env!.clock.now())).toThrow(/inside a write transaction/);
    expect(n()).toBe(before);
  });

  it("an appender holding an old head (a deferred transaction that read before the other's commit) is refused, not forked", () => {
    env = twoConnections();
    const { a, b, clock } = env;
    writeTx(a.db, (tx) => appendAudit(tx, SYS, { action: "first", entity: "test", entityId: "0" }, clock.now()));
    const stale = () =>
      a.db.transaction((tx) => {
        tx.select({ n: count() }).from(auditLog).get(); // the read that fixes this transaction's snapshot
        writeTx(b.db, (tb) => appendAudit(tb, SYS, { action: "other", entity: "test", entityId: "b" }, clock.now()));
        appendAudit(tx, SYS, { action: "late", entity: "test", entityId: "a" }, clock.now());
      }); // deferred: the write lock is asked for only at the INSERT
    expect(stale).toThrow(/SQLITE_BUSY|busy|locked/i);
    expect(a.db.select().from(auditLog).where(eq(auditLog.action, "late")).all()).toEqual([]);
    expect(verifyChain(a.db)).toMatchObject({ ok: true });
  });

  it("a second row for a seq already taken is refused by the table (seq is the primary key)", () => {
    env = twoConnections();
    const { a, clock } = env;
    writeTx(a.db, (tx) => appendAudit(tx, SYS, { action: "first", entity: "test", entityId: "0" }, clock.now()));
    const head = a.db.select().from(auditLog).orderBy(asc(auditLog.seq)).all().at(-1)!;
    // What an appender that read the same head as another would try to store: the same seq.
    expect(() => a.db.insert(auditLog).values({ ...head, entityId: "fork", hash: "f".repeat(64) }).run()).toThrow(/UNIQUE|PRIMARY KEY|constraint/i);
    expect(verifyChain(a.db)).toMatchObject({ ok: true });
  });
});
