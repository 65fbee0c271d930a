// Disputing a supervision (issue 11, "Supervision, both parties"): the party whose
// confirmation is awaited says it did not happen as recorded, with a reason. It never
// counts, no longer waits for confirmation, HR sees it with the reason, and the audit
// chain's records check replays the dispute.
import { beforeAll, describe, expect, it } from "vitest";
import { expectInvalid, testEnv, type Client, type TestEnv } from "../helpers.js";

let env: TestEnv;
type P = { id: string; client: Client };
let hr: P, admin: P, mgr: P, otherMgr: P, worker: P, colleague: P, southWorker: P;

// The test clock: Tuesday 24 November 2026, 12:00 UTC.
const TODAY = "2026-11-24";

beforeAll(async () => {
  env = await testEnv();
  hr = await env.person({ roles: ["hr"] });
  admin = await env.person({ roles: ["admin"] });
  mgr = await env.person({ roles: ["manager"], team: "North" });
  otherMgr = await env.person({ roles: ["manager"], team: "South" });
  worker = await env.person({ roles: ["amhp"], team: "North", startDate: "2025-01-01" });
  colleague = await env.person({ roles: ["social_worker"], team: "North" });
  southWorker = await env.person({ roles: ["social_worker"], team: "South" });
});

async function refusedWithoutWrite(call: () => Promise<{ status: number; text: string; body: any; headers: Headers }>, status: number) {
  const before = env.auditCount();
  const res = await call();
  expect(res.status, res.text).toBe(status);
  expect(env.auditCount()).toBe(before);
  return res;
}
const rowOf = async (client: Client, path: string, staffId: string) => (await client.get(path)).body.rows.find((r: { staffId: string }) => r.staffId === staffId);
const report = (client: Client, staffId: string) => rowOf(client, `/api/reports/supervision?asOf=${TODAY}`, staffId);
const awaiting = async (client: Client) => ((await client.get("/api/me/supervisions/awaiting")).body.supervisions as { id: string }[]).map((s) => s.id);

describe("disputing a supervision", () => {
  it("the supervisee disputes a session the manager recorded: it does not count, no longer waits, and HR sees why", async () => {
    // A confirmed session earlier, so "last supervision" has something that does count.
    const earlier = await mgr.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: "2026-10-20", supervisorId: mgr.id, lateEntryReason: "Entered for the test" });
    expect((await worker.client.post(`/api/supervisions/${earlier.body.id}/confirm`)).status).toBe(200);
    const rec = await mgr.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: "2026-11-23", supervisorId: mgr.id, durationMinutes: 60 });
    expect(rec.status, rec.text).toBe(201);
    const id = rec.body.id as string;
    expect(await awaiting(worker.client)).toContain(id);
    expect(await report(hr.client, worker.id)).toMatchObject({ lastSupervision: "2026-10-20", awaitingConfirmation: 1, disputed: 0 });

    const before = env.auditCount();
    const res = await worker.client.post(`/api/supervisions/${id}/dispute`, { reason: "  We cancelled; it did not take place  " });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, status: "disputed", disputedBy: worker.id, disputedAt: "2026-11-24T12:00:00.000Z", disputeReason: "We cancelled; it did not take place", superviseeConfirmedAt: null });
    expect(env.auditCount()).toBe(before + 1);
    const entry = (await admin.client.get("/api/audit?limit=1")).body.entries[0];
    expect(entry).toMatchObject({ action: "dispute", entity: "supervision", entityId: id, actorId: worker.id });
    expect(entry.data).toMatchObject({ as: "supervisee", reason: "We cancelled; it did not take place" });

    // Not counted, not awaiting, counted as disputed.
    expect(await awaiting(worker.client)).not.toContain(id);
    expect(await report(hr.client, worker.id)).toMatchObject({ lastSupervision: "2026-10-20", awaitingConfirmation: 0, disputed: 1 });
    const csv = await hr.client.get(`/api/reports/supervision?asOf=${TODAY}&format=csv`);
    expect(csv.text.split("\n")[0]).toContain("disputed");

    // HR, the supervisor and the supervisee read the dispute in the person's list.
    for (const who of [hr, mgr, worker]) {
      const list = await who.client.get(`/api/staff/${worker.id}/supervisions`);
      expect(list.status).toBe(200);
      expect(list.body.supervisions.find((s: { id: string }) => s.id === id)).toMatchObject({ status: "disputed", disputedAt: "2026-11-24T12:00:00.000Z", disputeReason: "We cancelled; it did not take place" });
    }
    expect((await southWorker.client.get(`/api/staff/${worker.id}/supervisions`)).status).toBe(404);

    // Confirming or disputing it now is refused, writing nothing.
    const c = await refusedWithoutWrite(() => mgr.client.post(`/api/supervisions/${id}/confirm`), 409);
    expect(c.text).toContain("disputed");
    await refusedWithoutWrite(() => worker.client.post(`/api/supervisions/${id}/confirm`), 409);
    await refusedWithoutWrite(() => worker.client.post(`/api/supervisions/${id}/dispute`, { reason: "Again" }), 409);

    // The records check replays the dispute: the chain and the rows agree.
    const verify = await admin.client.get("/api/audit/verify");
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, records: { mismatchCount: 0 } });
  });

  it("only the party whose confirmation is awaited may dispute; others get what confirm gives them", async () => {
    const rec = await worker.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id });
    const id = rec.body.id as string;
    // The recorder confirmed by recording: they may not dispute it.
    const own = await refusedWithoutWrite(() => worker.client.post(`/api/supervisions/${id}/dispute`, { reason: "Changed my mind" }), 409);
    expect(own.text).toContain("already confirmed");
    await refusedWithoutWrite(() => southWorker.client.post(`/api/supervisions/${id}/dispute`, { reason: "Not mine" }), 404);
    await refusedWithoutWrite(() => colleague.client.post(`/api/supervisions/${id}/dispute`, { reason: "Not mine" }), 404);
    await refusedWithoutWrite(() => otherMgr.client.post(`/api/supervisions/${id}/dispute`, { reason: "Not mine" }), 404);
    await refusedWithoutWrite(() => hr.client.post(`/api/supervisions/${id}/dispute`, { reason: "Not mine" }), 403);
    await refusedWithoutWrite(() => mgr.client.post(`/api/supervisions/unknown-id/dispute`, { reason: "Who?" }), 404);
    await refusedWithoutWrite(() => env.anon.post(`/api/supervisions/${id}/dispute`, { reason: "Who?" }), 401);
    // The supervisor, whose confirmation it awaits, may.
    const res = await mgr.client.post(`/api/supervisions/${id}/dispute`, { reason: "Held on the 20th, not today" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "disputed", disputedBy: mgr.id });
    expect(await awaiting(mgr.client)).not.toContain(id);
  });

  it("a blank, invisible or one-letter reason is a 400 naming reason, and nothing is written", async () => {
    const rec = await mgr.client.post(`/api/staff/${colleague.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id });
    const id = rec.body.id as string;
    for (const body of [{}, { reason: "" }, { reason: "   " }, { reason: "\u200b\u200b" }, { reason: "x" }]) {
      const res = await refusedWithoutWrite(() => colleague.client.post(`/api/supervisions/${id}/dispute`, body), 400);
      expectInvalid(res as never, "reason");
    }
    const list = await hr.client.get(`/api/staff/${colleague.id}/supervisions`);
    expect(list.body.supervisions.find((s: { id: string }) => s.id === id)).toMatchObject({ status: "awaiting_confirmation", disputedAt: null, disputeReason: null });
    expect(await awaiting(colleague.client)).toContain(id);
  });

  it("a confirmed or voided session cannot be disputed", async () => {
    const rec = await mgr.client.post(`/api/staff/${colleague.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id });
    expect((await colleague.client.post(`/api/supervisions/${rec.body.id}/confirm`)).body.status).toBe("confirmed");
    await refusedWithoutWrite(() => colleague.client.post(`/api/supervisions/${rec.body.id}/dispute`, { reason: "Too late now" }), 409);
    const other = await mgr.client.post(`/api/staff/${colleague.id}/supervisions`, { heldOn: TODAY, supervisorId: mgr.id });
    expect((await mgr.client.post(`/api/records/supervisions/${other.body.id}/void`, { reason: "Entered twice" })).status).toBe(200);
    await refusedWithoutWrite(() => colleague.client.post(`/api/supervisions/${other.body.id}/dispute`, { reason: "Never happened" }), 409);
    expect((await admin.client.get("/api/audit/verify")).body).toMatchObject({ ok: true, records: { mismatchCount: 0 } });
  });
});
