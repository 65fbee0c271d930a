// HR record routes: happy paths, bad input (400, nothing written), rule refusals
// (422), who may see what, voids and corrections with history, late entries.
import { beforeAll, describe, expect, it } from "vitest";
import { hrRoutes } from "../../src/hr/routes.js";
import { reportsRoutes } from "../../src/reports/routes.js";
import { expectInvalid, testEnv, type Client, type TestEnv } from "../helpers.js";

let env: TestEnv;
let hr: { id: string; client: Client };
let admin: { id: string; client: Client };
let mgr: { id: string; client: Client }; // manager of North
let otherMgr: { id: string; client: Client }; // manager of South
let worker: { id: string; client: Client }; // amhp in North
let colleague: { id: string; client: Client }; // social worker in North
let southWorker: { id: string; client: Client };

// The test clock: Tuesday 24 November 2026, 12:00 UTC.
const TODAY = "2026-11-24";

beforeAll(async () => {
  env = await testEnv();
  hr = await env.person({ roles: ["hr"] });
  admin = await env.person({ roles: ["admin"] });
  mgr = await env.person({ roles: ["manager"], team: "North" });
  otherMgr = await env.person({ roles: ["manager"], team: "South" });
  worker = await env.person({ roles: ["amhp"], team: "North" });
  colleague = await env.person({ roles: ["social_worker"], team: "North", category: "asye", startDate: "2026-10-01" });
  southWorker = await env.person({ roles: ["social_worker"], team: "South" });
});

/** Expect a refusal that writes nothing to the audit chain. */
async function refusedWithoutWrite(call: () => Promise<{ status: number; text: string }>, status: number) {
  const before = env.auditCount();
  const res = await call();
  expect(res.status, res.text).toBe(status);
  expect(env.auditCount()).toBe(before);
  return res;
}

describe("AMHP approvals, training, leave", () => {
  it("HR records an approval; the server sets who and when", async () => {
    const before = env.auditCount();
    const res = await hr.client.post(`/api/staff/${worker.id}/amhp-approvals`, { validFrom: "2026-11-20", validUntil: "2031-11-19" });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ staffId: worker.id, recordedBy: hr.id, recordedAt: "2026-11-24T12:00:00.000Z", late: false, version: 1 });
    expect(env.auditCount()).toBe(before + 1);
  });

  it("refuses an approval longer than 5 years (422) and a missing field (400), writing nothing", async () => {
    const r = await refusedWithoutWrite(() => hr.client.post(`/api/staff/${worker.id}/amhp-approvals`, { validFrom: "2026-11-20", validUntil: "2031-11-20" }), 422);
    expect(r.text).toContain("5 years");
    const bad = await refusedWithoutWrite(() => hr.client.post(`/api/staff/${worker.id}/amhp-approvals`, { validFrom: "2026-11-20" }), 400);
    expectInvalid(bad as never, "validUntil");
    expectInvalid((await hr.client.post(`/api/staff/${worker.id}/amhp-approvals`, { validFrom: "20-11-2026", validUntil: "2027-01-01" })) as never, "validFrom");
  });

  it("only HR and admin record approvals", async () => {
    expect((await mgr.client.post(`/api/staff/${worker.id}/amhp-approvals`, { validFrom: TODAY, validUntil: "2027-01-01" })).status).toBe(403);
    expect((await worker.client.post(`/api/staff/${worker.id}/amhp-approvals`, { validFrom: TODAY, validUntil: "2027-01-01" })).status).toBe(403);
  });

  it("a late approval needs lateEntryReason and is flagged late", async () => {
    const r = await refusedWithoutWrite(() => admin.client.post(`/api/staff/${colleague.id}/amhp-approvals`, { validFrom: "2025-01-01", validUntil: "2029-12-31" }), 422);
    expect(r.text).toContain("lateEntryReason");
    const ok = await admin.client.post(`/api/staff/${colleague.id}/amhp-approvals`, { validFrom: "2025-01-01", validUntil: "2029-12-31", lateEntryReason: "Migrated from the paper register" });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ late: true, lateEntryReason: "Migrated from the paper register" });
  });

  it("a manager records training and leave for their own team only", async () => {
    expect((await mgr.client.post(`/api/staff/${worker.id}/training`, { date: "2026-11-23", hours: 6, topic: "MCA update" })).status).toBe(201);
    expect((await mgr.client.post(`/api/staff/${worker.id}/leave`, { from: "2026-12-21", to: "2026-12-24", kind: "annual" })).status).toBe(201);
    await refusedWithoutWrite(() => otherMgr.client.post(`/api/staff/${worker.id}/training`, { date: "2026-11-23", hours: 6, topic: "x" }), 404);
    await refusedWithoutWrite(() => otherMgr.client.post(`/api/staff/${worker.id}/leave`, { from: "2026-12-21", to: "2026-12-24", kind: "annual" }), 404);
  });

  it("leave may be in the future; training may not", async () => {
    const r = await refusedWithoutWrite(() => mgr.client.post(`/api/staff/${worker.id}/training`, { date: "2026-11-25", hours: 2, topic: "x" }), 422);
    expect(r.text).toContain("after today");
    expectInvalid((await mgr.client.post(`/api/staff/${worker.id}/training`, { date: "2026-11-20", hours: -1, topic: "x" })) as never, "hours");
    expectInvalid((await mgr.client.post(`/api/staff/${worker.id}/leave`, { from: "2026-12-21", to: "2026-12-24", kind: "holiday" })) as never, "kind");
    await refusedWithoutWrite(() => mgr.client.post(`/api/staff/${worker.id}/leave`, { from: "2026-12-23", to: "2026-12-28", kind: "annual" }), 422);
  });

  it("lists a person's approvals, training and leave to those who may see them", async () => {
    const res = await worker.client.get(`/api/staff/${worker.id}/hr-records`);
    expect(res.status).toBe(200);
    expect(res.body.approvals).toHaveLength(1);
    expect(res.body.training).toHaveLength(1);
    expect((await southWorker.client.get(`/api/staff/${worker.id}/hr-records`)).status).toBe(404);
    expect((await otherMgr.client.get(`/api/staff/${worker.id}/hr-records`)).status).toBe(404);
  });
});

describe("supervision", () => {
  it("either party records; only the other party's confirmation makes it count", async () => {
    const rec = await worker.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: "2026-11-23", supervisorId: mgr.id, durationMinutes: 60 });
    expect(rec.status, rec.text).toBe(201);
    expect(rec.body).toMatchObject({ status: "awaiting_confirmation", recordedBy: worker.id });
    const id = rec.body.id;

    let report = await hr.client.get(`/api/reports/supervision?asOf=${TODAY}`);
    expect(report.body.rows.find((r: { staffId: string }) => r.staffId === worker.id)).toMatchObject({ lastSupervision: null, awaitingConfirmation: 1 });

    expect((await worker.client.post(`/api/supervisions/${id}/confirm`)).status).toBe(409); // the recorder cannot confirm for the other side
    expect((await southWorker.client.post(`/api/supervisions/${id}/confirm`)).status).toBe(404);
    expect((await hr.client.post(`/api/supervisions/${id}/confirm`)).status).toBe(403);
    const ok = await mgr.client.post(`/api/supervisions/${id}/confirm`);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("confirmed");
    expect((await mgr.client.post(`/api/supervisions/${id}/confirm`)).status).toBe(409);

    report = await hr.client.get(`/api/reports/supervision?asOf=${TODAY}`);
    expect(report.body.rows.find((r: { staffId: string }) => r.staffId === worker.id)).toMatchObject({
      lastSupervision: "2026-11-23",
      dueBy: "2026-12-23",
      overdueDays: 0,
      status: "ok",
    });
  });

  it("recorded by a manager, it needs both parties", async () => {
    const rec = await hr.client.post(`/api/staff/${colleague.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id });
    expect(rec.body.status).toBe("awaiting_confirmation");
    expect((await colleague.client.post(`/api/supervisions/${rec.body.id}/confirm`)).body.status).toBe("awaiting_confirmation");
    const mine = await mgr.client.get("/api/me/supervisions/awaiting");
    expect(mine.body.supervisions.map((s: { id: string }) => s.id)).toContain(rec.body.id);
    expect((await mgr.client.post(`/api/supervisions/${rec.body.id}/confirm`)).body.status).toBe("confirmed");
  });

  it("bad input and strangers", async () => {
    const bad = await refusedWithoutWrite(() => worker.client.post(`/api/staff/${worker.id}/supervisions`, { supervisorId: mgr.id }), 400);
    expectInvalid(bad as never, "heldOn");
    await refusedWithoutWrite(() => southWorker.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id }), 404);
    await refusedWithoutWrite(() => worker.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: TODAY, supervisorId: worker.id }), 422);
    await refusedWithoutWrite(() => worker.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: "2026-11-25", supervisorId: mgr.id }), 422);
    expect((await southWorker.client.get(`/api/staff/${worker.id}/supervisions`)).status).toBe(404);
    expect((await worker.client.get(`/api/staff/${worker.id}/supervisions`)).body.supervisions.length).toBeGreaterThan(0);
  });
});

describe("sickness, return to work, corrections", () => {
  let episodeId: string;

  it("a manager records absence; the response and their lists omit the cause", async () => {
    const res = await mgr.client.post(`/api/staff/${worker.id}/sickness`, { firstDay: "2026-11-17", cause: "stress_anxiety_depression" });
    expect(res.status, res.text).toBe(201);
    expect(res.body.cause).toBeUndefined();
    episodeId = res.body.id;
    const asMgr = await mgr.client.get(`/api/staff/${worker.id}/sickness`);
    expect(asMgr.body.episodes[0]).toMatchObject({ id: episodeId, open: true });
    expect(asMgr.body.episodes[0].cause).toBeUndefined();
    const asHr = await hr.client.get(`/api/staff/${worker.id}/sickness`);
    expect(asHr.body.episodes[0]).toMatchObject({ cause: "stress_anxiety_depression", ohDueOn: "2026-11-17" });
  });

  it("a manager of another team cannot see the person's sickness at all", async () => {
    expect((await otherMgr.client.get(`/api/staff/${worker.id}/sickness`)).status).toBe(404);
    expect((await otherMgr.client.get(`/api/records/sickness/${episodeId}/history`)).status).toBe(404);
    expect((await otherMgr.client.patch(`/api/sickness/${episodeId}`, { lastDay: "2026-11-20" })).status).toBe(404);
    expect((await southWorker.client.get(`/api/staff/${worker.id}/sickness`)).status).toBe(404);
  });

  it("refuses bad input, overlaps and an unexplained late entry", async () => {
    const bad = await refusedWithoutWrite(() => mgr.client.post(`/api/staff/${worker.id}/sickness`, { firstDay: "2026-11-01", cause: "flu" }), 400);
    expectInvalid(bad as never, "cause");
    expectInvalid((await mgr.client.post(`/api/staff/${worker.id}/sickness`, { firstDay: "2026-11-10", lastDay: "2026-11-09", cause: "other" })) as never, "lastDay");
    await refusedWithoutWrite(() => mgr.client.post(`/api/staff/${worker.id}/sickness`, { firstDay: "2026-11-20", cause: "other" }), 422); // overlaps the open one
    const late = await refusedWithoutWrite(() => mgr.client.post(`/api/staff/${colleague.id}/sickness`, { firstDay: "2026-11-02", lastDay: "2026-11-04", cause: "infection" }), 422);
    expect(late.text).toContain("lateEntryReason");
    await refusedWithoutWrite(() => mgr.client.post(`/api/staff/${colleague.id}/sickness`, { firstDay: "2026-11-25", cause: "infection" }), 422);
    const ok = await mgr.client.post(`/api/staff/${colleague.id}/sickness`, { firstDay: "2026-11-02", lastDay: "2026-11-04", cause: "infection", lateEntryReason: "Manager was on leave" });
    expect(ok.body).toMatchObject({ late: true, lateEntryReason: "Manager was on leave" });
  });

  it("closing an open episode needs no reason; changing the last day does, and keeps the old version", async () => {
    const close = await mgr.client.patch(`/api/sickness/${episodeId}`, { lastDay: "2026-11-20" });
    expect(close.status, close.text).toBe(200);
    expect(close.body).toMatchObject({ lastDay: "2026-11-20", version: 2 });
    const noReason = await refusedWithoutWrite(() => mgr.client.patch(`/api/sickness/${episodeId}`, { lastDay: "2026-11-19" }), 422);
    expect(noReason.text).toContain("reason");
    await refusedWithoutWrite(() => mgr.client.patch(`/api/sickness/${episodeId}`, { lastDay: "2026-11-25", reason: "typo" }), 422);
    const fixed = await mgr.client.patch(`/api/sickness/${episodeId}`, { lastDay: "2026-11-19", reason: "Fit note ended on the 19th" });
    expect(fixed.body).toMatchObject({ lastDay: "2026-11-19", version: 3 });

    const hist = await hr.client.get(`/api/records/sickness/${episodeId}/history`);
    expect(hist.status).toBe(200);
    expect(hist.body.versions.map((v: { version: number; correction: boolean; reason: string | null }) => [v.version, v.correction, v.reason])).toEqual([
      [1, false, null],
      [2, true, "Fit note ended on the 19th"],
      [3, false, null],
    ]);
    expect(hist.body.versions[0].data.lastDay).toBeNull();
    expect(hist.body.versions[1].data.lastDay).toBe("2026-11-20");
    expect(hist.body.versions[0].data.cause).toBe("stress_anxiety_depression");
    const mgrHist = await mgr.client.get(`/api/records/sickness/${episodeId}/history`);
    expect(mgrHist.body.versions.every((v: { data: object }) => !("cause" in v.data))).toBe(true);
  });

  it("only HR may change a cause; a manager cannot even try", async () => {
    expect((await mgr.client.patch(`/api/sickness/${episodeId}`, { cause: "other", reason: "Wrong cause" })).status).toBe(404);
    expect((await hr.client.patch(`/api/sickness/${episodeId}`, { cause: "musculoskeletal", reason: "GP letter" })).status).toBe(200);
  });

  it("return to work: after the absence, once", async () => {
    await refusedWithoutWrite(() => mgr.client.post(`/api/sickness/${episodeId}/return-to-work`, { heldOn: "2026-11-19" }), 422);
    const ok = await mgr.client.post(`/api/sickness/${episodeId}/return-to-work`, { heldOn: "2026-11-23" });
    expect(ok.status, ok.text).toBe(201);
    await refusedWithoutWrite(() => mgr.client.post(`/api/sickness/${episodeId}/return-to-work`, { heldOn: "2026-11-24" }), 409);
    expectInvalid((await mgr.client.post(`/api/sickness/${episodeId}/return-to-work`, {})) as never, "heldOn");
    expect((await otherMgr.client.post(`/api/sickness/${episodeId}/return-to-work`, { heldOn: "2026-11-24" })).status).toBe(404);
    const open = await mgr.client.post(`/api/staff/${southWorker.id}/sickness`, { firstDay: TODAY, cause: "other" });
    expect(open.status).toBe(404);
  });
});

describe("OH referrals", () => {
  it("records a referral and its progress; the reason is for HR only", async () => {
    const res = await mgr.client.post(`/api/staff/${worker.id}/oh-referrals`, { referredOn: "2026-11-18", reason: "Work-related stress" });
    expect(res.status, res.text).toBe(201);
    expect(res.body.reason).toBeUndefined();
    const id = res.body.id;
    const appt = await mgr.client.patch(`/api/oh-referrals/${id}`, { appointmentOn: "2026-12-02" });
    expect(appt.status, appt.text).toBe(200);
    expect(appt.body).toMatchObject({ appointmentOn: "2026-12-02", version: 2 });
    await refusedWithoutWrite(() => mgr.client.patch(`/api/oh-referrals/${id}`, { appointmentOn: "2026-12-03" }), 422);
    expect((await mgr.client.patch(`/api/oh-referrals/${id}`, { appointmentOn: "2026-12-03", reason: "OH moved it" })).status).toBe(200);
    await refusedWithoutWrite(() => mgr.client.patch(`/api/oh-referrals/${id}`, { reportReceivedOn: "2026-12-05" }), 422);
    expectInvalid((await mgr.client.patch(`/api/oh-referrals/${id}`, { appointmentOn: "soon" })) as never, "appointmentOn");
    expect((await hr.client.get(`/api/staff/${worker.id}/oh-referrals`)).body.referrals[0].reason).toBe("Work-related stress");
    expect((await mgr.client.get(`/api/staff/${worker.id}/oh-referrals`)).body.referrals[0].reason).toBeUndefined();
    expect((await otherMgr.client.patch(`/api/oh-referrals/${id}`, { outcome: "fit" })).status).toBe(404);
    expectInvalid((await mgr.client.post(`/api/staff/${worker.id}/oh-referrals`, { referredOn: TODAY })) as never, "reason");
  });
});

describe("voids and no deletes", () => {
  it("voids with a reason, once; the record stays", async () => {
    const rec = await mgr.client.post(`/api/staff/${colleague.id}/training`, { date: TODAY, hours: 1, topic: "Entered twice" });
    const bad = await refusedWithoutWrite(() => mgr.client.post(`/api/records/training/${rec.body.id}/void`, {}), 400);
    expectInvalid(bad as never, "reason");
    await refusedWithoutWrite(() => otherMgr.client.post(`/api/records/training/${rec.body.id}/void`, { reason: "Not needed" }), 404);
    await refusedWithoutWrite(() => colleague.client.post(`/api/records/training/${rec.body.id}/void`, { reason: "Not needed" }), 403);
    const v = await mgr.client.post(`/api/records/training/${rec.body.id}/void`, { reason: "Entered twice" });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ voidedBy: mgr.id, voidReason: "Entered twice" });
    expect((await mgr.client.post(`/api/records/training/${rec.body.id}/void`, { reason: "again" })).status).toBe(409);
    expect((await hr.client.get(`/api/staff/${colleague.id}/hr-records`)).body.training.find((t: { id: string }) => t.id === rec.body.id)).toBeTruthy();
    expectInvalid((await mgr.client.post(`/api/records/nonsense/${rec.body.id}/void`, { reason: "Not needed" })) as never, "kind");
    expect((await mgr.client.post(`/api/records/sickness/${rec.body.id}/void`, { reason: "Not needed" })).status).toBe(404);
  });

  it("a supervision's recorder may void it; a voided one cannot be confirmed", async () => {
    const rec = await colleague.client.post(`/api/staff/${colleague.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id });
    expect((await colleague.client.post(`/api/records/supervisions/${rec.body.id}/void`, { reason: "Wrong supervisor" })).status).toBe(200);
    expect((await mgr.client.post(`/api/supervisions/${rec.body.id}/confirm`)).status).toBe(409);
  });

  it("no HR or report route accepts DELETE", async () => {
    // The HR and report routers' own OpenAPI documents (independent of other modules).
    const info = { openapi: "3.1.0", info: { title: "t", version: "0" } };
    const paths = { ...hrRoutes.getOpenAPI31Document(info).paths, ...reportsRoutes.getOpenAPI31Document(info).paths } as Record<string, Record<string, unknown>>;
    const hrPaths = Object.entries(paths).filter(([p]) => /\/(records|sickness|supervisions|oh-referrals|amhp-approvals|training|leave|reports|return-to-work)/.test(p));
    expect(hrPaths.length).toBeGreaterThan(10);
    expect(hrPaths.filter(([, ops]) => "delete" in ops).map(([p]) => p)).toEqual([]);
    for (const path of [`/api/sickness/x`, `/api/records/sickness/x`, `/api/staff/${worker.id}/sickness`]) {
      expect((await admin.client.delete(path)).status).toBe(404);
    }
  });

  it("the database refuses to rewrite or delete kept versions", () => {
    const sqlite = env.deps.db.$client;
    expect(() => sqlite.prepare("UPDATE record_versions SET reason = 'x'").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("DELETE FROM record_versions").run()).toThrow(/append-only/);
  });
});
