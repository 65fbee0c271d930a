// GET /api/events: managers see every change; staff only their own visits, never a duress alarm.
import { describe, expect, it } from "vitest";
import { ORIGIN, testEnv, type TestEnv } from "../helpers.js";

async function open(env: TestEnv, cookie: string) {
  const ac = new AbortController();
  const res = await env.app.request("/api/events", { headers: { Cookie: cookie, Origin: ORIGIN }, signal: ac.signal });
  const reader = res.body!.getReader();
  let text = "";
  const pump = (async () => {
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value);
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    res,
    text: () => text,
    async close() {
      ac.abort();
      await reader.cancel().catch(() => undefined);
      await pump;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe("live events", () => {
  it("streams visit and alert changes to managers, and only their own (no duress) to staff", async () => {
    const env = await testEnv();
    const worker = await env.person({ roles: ["amhp"] });
    const other = await env.person({ roles: ["amhp"] });
    const manager = await env.person({ roles: ["manager"] });
    const m = await open(env, manager.client.cookie!);
    const w = await open(env, worker.client.cookie!);
    const o = await open(env, other.client.cookie!);
    expect(m.res.headers.get("content-type")).toMatch(/text\/event-stream/);
    await worker.client.put("/api/me/duress-pin", { pin: "9876" });
    const v = (await worker.client.post("/api/visits", { purpose: "other", location: { address: "x" }, expectedEnd: new Date(env.clock.now().getTime() + 3600_000).toISOString() })).body;
    await worker.client.post(`/api/visits/${v.id}/check-out`, { pin: "9876" });
    // The engine raises the duress alarm's first step; the board hears of it.
    const { tick } = await import("../../src/lone-working/escalation/pass.js");
    await tick(env.deps, { onDutyAt: () => ({ managers: [{ id: manager.id, name: "m" }] }) });
    await settle();
    expect(m.text()).toContain("event: visit");
    expect(m.text()).toContain("duress");
    expect(w.text()).toContain("event: visit");
    expect(w.text()).not.toContain("duress");
    expect(w.text()).not.toContain("event: alert");
    expect(o.text()).not.toContain(v.id);
    await Promise.all([m.close(), w.close(), o.close()]);
  });
});
