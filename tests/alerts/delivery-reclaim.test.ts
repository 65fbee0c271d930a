// A send cut off at its channel's time limit counts as failed and may be claimed again by this
// same process; the first send, still waiting inside the channel, must then not go as well
// (it would text the person twice). Found by the dispatch bench under load.
import { afterEach, expect, it } from "vitest";
import { registerChannel, startSends, type Channel, type OutgoingMessage } from "../../src/lone-working/delivery/index.js";
import { escalationSetup } from "./setup.js";

let unregister: (() => void) | undefined;
afterEach(() => unregister?.());

it("a send that outlived its time limit does not go once the row was claimed again", async () => {
  const held: { m: OutgoingMessage; release: () => void }[] = [];
  const slow: Channel = {
    name: "sms",
    timeLimitMs: 30,
    reaches: (_db, ids) => new Set(ids),
    async send(_deps, batch) {
      // Waits (as a paced channel's queue can) until the test lets it go; reports nothing.
      await Promise.all(batch.map((m) => new Promise<void>((release) => held.push({ m, release }))));
    },
  };
  unregister = registerChannel(slow);
  const s = await escalationSetup();
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "1 High St" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(15); // the duty-manager step is due: a text to m1 (no push subscription: at once)
  await s.run(); // its send is held past the 30 ms limit: failed
  expect(held.map((h) => h.m.n.staffId)).toEqual([s.m1.id]);
  s.e.clock.advance(31_000); // a failed ladder send is tried again: claimed anew, its send held (in flight)
  const { claimed, done } = await startSends(s.e.deps);
  expect(claimed).toBe(1);
  expect(held).toHaveLength(2);
  expect(held[1]!.m.n.id).toBe(held[0]!.m.n.id); // the same row, claimed again by this process
  expect(held[1]!.m.stillWanted(), "the new claim's send goes").toBe(true);
  expect(held[0]!.m.stillWanted(), "the first send, still waiting in the channel, does not").toBe(false);
  for (const h of held) h.release();
  await done;
});
