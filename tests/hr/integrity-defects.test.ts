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

describe("the late-entry rule cannot be dodged by correcting the date afterwards", () => {
  it("moving firstDay back more than 7 days needs lateEntryReason (422 without), flags the record late and counts against the corrector", async () => {
    const p = await env.person({ roles: ["social_worker"], team: "North" });
    // Entered on the day, so not late...
    const ep = await created(mgr.client, `/api/staff/${p.id}/sickness`, { firstDay: TODAY, cause: "infection" });
    expect(ep.late).toBe(false);
    const integrity = async () =>
      ((await hr.client.get(`/api/reports/integrity?from=2026-11-01&to=${TODAY}`)).body.rows as { recorderId: string; lateEntries: number; lateCorrections: number }[]).find((r) => r.recorderId === hr.id);
    const before = (await integrity())?.lateEntries ?? 0;
    // ...then moved back six weeks by a correction: a late entry in all but name.
    const audit = env.auditCount();
    const refused = await hr.client.patch(`/api/sickness/${ep.id}`, { firstDay: "2026-10-12", reason: "Started earlier than recorded" });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain("lateEntryReason");
    expect(env.auditCount()).toBe(audit);
    expectInvalid(
      (await hr.client.patch(`/api/sickness/${ep.id}`, { firstDay: "2026-10-12", reason: "Started earlier than recorded", lateEntryReason: "\u200B" })) as never,
      "lateEntryReason",
    );
    const ok = await hr.client.patch(`/api/sickness/${ep.id}`, { firstDay: "2026-10-12", reason: "Started earlier than recorded", lateEntryReason: "Fit note arrived late" });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ firstDay: "2026-10-12", late: true, lateEntryReason: "Fit note arrived late", version: 2 });
    const hist = (await hr.client.get(`/api/records/sickness/${ep.id}/history`)).body.versions;
    expect(hist.map((v: { version: number; lateCorrection?: boolean }) => [v.version, v.lateCorrection])).toEqual([[1, true], [2, false]]);
    // Counted once, against the person who made the late correction, not the original recorder.
    const after = await integrity();
    expect(after).toMatchObject({ lateEntries: before + 1, lateCorrections: 1 });
    const byMgr = ((await hr.client.get(`/api/reports/integrity?from=2026-11-01&to=${TODAY}`)).body.rows as { recorderId: string; lateEntries: number }[]).find((r) => r.recorderId === mgr.id)!;
    const mgrLateRecords = env.deps.db.$client.prepare("SELECT count(*) AS n FROM sickness_episodes WHERE recorded_by = ? AND late = 1 AND id <> ?").get(mgr.id, ep.id) as { n: number };
    const mgrLateOther = ["training_records", "leave_records", "oh_referrals", "supervisions", "return_to_work", "amhp_approvals"]
      .map((t) => (env.deps.db.$client.prepare(`SELECT count(*) AS n FROM ${t} WHERE recorded_by = ? AND late = 1`).get(mgr.id) as { n: number }).n)
      .reduce((a, b) => a + b, 0);
    expect(byMgr.lateEntries).toBe(mgrLateRecords.n + mgrLateOther);
  });

  it("moving it back within 7 days, or forward, is not a late entry", async () => {
    const p = await env.person({ roles: ["social_worker"], team: "North" });
    const ep = await created(mgr.client, `/api/staff/${p.id}/sickness`, { firstDay: "2026-11-23", cause: "infection" });
    const back = await mgr.client.patch(`/api/sickness/${ep.id}`, { firstDay: "2026-11-17", reason: "Started on the Tuesday" });
    expect(back.status, back.text).toBe(200);
    expect(back.body.late).toBe(false);
    const fwd = await mgr.client.patch(`/api/sickness/${ep.id}`, { firstDay: "2026-11-18", reason: "One day later after all" });
    expect(fwd.body.late).toBe(false);
    // A record entered late with a reason and moved further back needs a new reason.
    const old = await created(mgr.client, `/api/staff/${p.id}/sickness`, { firstDay: "2026-09-01", lastDay: "2026-09-02", cause: "infection", lateEntryReason: "Paper form found" });
    expect((await mgr.client.patch(`/api/sickness/${old.id}`, { firstDay: "2026-08-31", reason: "Started a day earlier" })).status).toBe(422);
  });
});
