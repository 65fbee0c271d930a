// Issue 9 "Records": reasons must mean something, and the late-entry rule cannot be
// dodged by correcting a date afterwards.
import { beforeAll, describe, expect, it } from "vitest";
import { expectInvalid, testEnv, type Client, type TestEnv } from "../helpers.js";

let env: TestEnv;
type P = { id: string; client: Client };
let hr: P, mgr: P, worker: P, other: P;
const TODAY = "2026-11-24";

beforeAll(async () => {
  env = await testEnv();
  hr = await env.person({ roles: ["hr"] });
  mgr = await env.person({ roles: ["manager"], team: "North" });
  worker = await env.person({ roles: ["amhp"], team: "North" });
  other = await env.person({ roles: ["social_worker"], team: "North" });
});

async function created(c: Client, path: string, body: object) {
  const r = await c.post(path, body);
  if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
  return r.body;
}

/** A 400 naming `field`, with nothing written. */
async function invalidWithoutWrite(call: () => Promise<{ status: number; text: string }>, field: string) {
  const before = env.auditCount();
  const res = await call();
  expectInvalid(res as never, field);
  expect(env.auditCount()).toBe(before);
}

const MEANINGLESS = [
  "x", // one character
  " ", // blank
  "\u200B\u200B\u200B", // zero-width spaces
  "\u200C\u200D\u2060\uFEFF", // joiners, word joiner, BOM
  "\u202E\u202D", // bidi overrides
  "\t\r\n", // control characters
  "\u0000\u0007\u001B", // more control characters
  "\u3164\u3164\u3164", // Hangul filler
  "\u2800\u2800", // braille blank
  "\u200Bx\u200B", // one visible character wrapped in invisible ones
  "..", // no words
];

describe("reasons must mean something", () => {
  it("a void reason of invisible characters or one character is a 400 naming reason, nothing written", async () => {
    const rec = await created(mgr.client, `/api/staff/${worker.id}/training`, { date: TODAY, hours: 1, topic: "MCA" });
    for (const reason of MEANINGLESS) {
      await invalidWithoutWrite(() => mgr.client.post(`/api/records/training/${rec.id}/void`, { reason }), "reason");
    }
    const ok = await mgr.client.post(`/api/records/training/${rec.id}/void`, { reason: " \u200BEntered twice\u200B " });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.voidReason).toBe("Entered twice"); // stored without the invisible edges
  });

  it("a correction reason is held to the same rule", async () => {
    const ep = await created(mgr.client, `/api/staff/${other.id}/sickness`, { firstDay: "2026-11-20", lastDay: "2026-11-20", cause: "infection" });
    for (const reason of MEANINGLESS) {
      await invalidWithoutWrite(() => mgr.client.patch(`/api/sickness/${ep.id}`, { lastDay: "2026-11-21", reason }), "reason");
    }
    const ref = await created(mgr.client, `/api/staff/${other.id}/oh-referrals`, { referredOn: TODAY, reason: "Back pain at work" });
    expect((await mgr.client.patch(`/api/oh-referrals/${ref.id}`, { appointmentOn: "2026-12-01" })).status).toBe(200);
    await invalidWithoutWrite(() => mgr.client.patch(`/api/oh-referrals/${ref.id}`, { appointmentOn: "2026-12-02", reason: "\u200B" }), "reason");
    expect((await mgr.client.patch(`/api/sickness/${ep.id}`, { lastDay: "2026-11-21", reason: "ok" })).status).toBe(200);
  });

  it("lateEntryReason and an OH referral's reason too", async () => {
    for (const lateEntryReason of MEANINGLESS) {
      await invalidWithoutWrite(() => mgr.client.post(`/api/staff/${worker.id}/training`, { date: "2026-10-01", hours: 1, topic: "MCA", lateEntryReason }), "lateEntryReason");
    }
    await invalidWithoutWrite(() => mgr.client.post(`/api/staff/${worker.id}/oh-referrals`, { referredOn: TODAY, reason: "\u200B\u200B" }), "reason");
    await invalidWithoutWrite(
      () => hr.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: "2026-10-01", supervisorId: mgr.id, lateEntryReason: "\u00A0\u00A0" }),
      "lateEntryReason",
    );
  });
});
