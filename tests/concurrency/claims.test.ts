// Issue 10: a notification is claimed by one conditional statement, so two claimers on two
// connections (or two processes) never both send it, whichever read it first.
import { afterEach, describe, expect, it } from "vitest";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { writeTx } from "../../src/db/connection.js";
import { raiseAlert } from "../../src/lone-working/escalation/store.js";
import { readClaimable, takeClaims } from "../../src/lone-working/delivery/index.js";
import { raceProcesses, twoConnections } from "./file-db.js";

let env: ReturnType<typeof twoConnections> | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

/** `n` open panic alerts, each with one queued ladder notification to a manager. */
async function queued(n: number) {
  env = twoConnections();
  const e = env;
  const worker = await e.person(["amhp"]);
  const manager = await e.person(["manager"]);
  const now = e.clock.now();
  writeTx(e.a.db, (tx) => {
    for (let i = 0; i < n; i++) {
      const a = raiseAlert(tx, { reason: "panic", triggerKey: `claim-race:${i}`, visitId: null, staffId: worker.id, baseAt: now }, now)!;
      tx.insert(notifications).values({ alertId: a.id, purpose: "ladder", step: 0, repeat: 0, staffId: manager.id, status: "queued", title: "t", body: "b", createdAt: now }).run();
    }
  });
  return { e, ids: e.a.db.select({ id: notifications.id }).from(notifications).all().map((r) => r.id) };
}

describe("two claimers racing", () => {
  it("two connections that both read the same queued rows claim each one once", async () => {
    const { e, ids } = await queued(40);
    const now = e.clock.now();
    const seenA = readClaimable(e.a, now, 100);
    const seenB = readClaimable(e.b, now, 100);
    expect(seenA).toHaveLength(40);
    expect(seenB).toHaveLength(40);
    // Interleaved: b claims half of what it read, then a all it read, then b the rest.
    const b1 = takeClaims(e.b, seenB.slice(0, 20), now);
    const a = takeClaims(e.a, seenA, now);
    const b2 = takeClaims(e.b, seenB.slice(20), now);
    const claimed = [...b1, ...a, ...b2].map((c) => c.n.id);
    expect(b1).toHaveLength(20);
    expect(a).toHaveLength(20);
    expect(b2).toHaveLength(0);
    expect(claimed.sort()).toEqual([...ids].sort());
    const rows = e.a.db.select().from(notifications).all();
    expect(rows.every((r) => r.status === "sending" && r.attempts === 1)).toBe(true);
  });

  it("two processes sending at once (startSends, each its own connection and run): each notification is sent once", async () => {
    const { e, ids } = await queued(200);
    const results = await raceProcesses("claim", e.path, ["left", "right"]);
    const sent = results.flatMap((r) => r.ids as string[]);
    const times = new Map<string, number>();
    for (const id of sent) times.set(id, (times.get(id) ?? 0) + 1);
    expect([...times.values()].filter((t) => t !== 1)).toEqual([]);
    expect([...times.keys()].sort()).toEqual([...ids].sort());
    const rows = e.a.db.select().from(notifications).all();
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    expect(rows.filter((r) => r.attempts !== 1)).toEqual([]);
  });
});
