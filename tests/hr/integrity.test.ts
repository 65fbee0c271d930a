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

describe("edits made straight to the database file are found", () => {
  let t: TestEnv;
  let admin: P, boss: P, amhp: P;
  const ids: Record<string, string> = {};
  const sql = (s: string, ...args: unknown[]) => t.deps.db.$client.prepare(s).run(...args);
  const verify = async () => (await admin.client.get("/api/audit/verify")).body;

  beforeAll(async () => {
    t = await testEnv();
    admin = await t.person({ roles: ["admin"] });
    const hrP = await t.person({ roles: ["hr"] });
    boss = await t.person({ roles: ["manager"], team: "East" });
    amhp = await t.person({ roles: ["amhp"], team: "East" });
    const c = async (client: Client, path: string, body: object, method: "post" | "patch" = "post") => {
      const r = await client[method](path, body);
      if (r.status !== 201 && r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    // An honest history of every kind of write the chain replays.
    ids.sickness = (await c(boss.client, `/api/staff/${amhp.id}/sickness`, { firstDay: "2026-11-17", cause: "stress_anxiety_depression" })).id;
    await c(boss.client, `/api/sickness/${ids.sickness}`, { lastDay: "2026-11-18" }, "patch");
    await c(hrP.client, `/api/sickness/${ids.sickness}`, { lastDay: "2026-11-19", reason: "Fit note said the 19th" }, "patch");
    await c(boss.client, `/api/sickness/${ids.sickness}/return-to-work`, { heldOn: "2026-11-20", notes: "Phased return" });
    ids.oh = (await c(hrP.client, `/api/staff/${amhp.id}/oh-referrals`, { referredOn: "2026-11-17", reason: "Stress at work", sicknessId: ids.sickness })).id;
    await c(hrP.client, `/api/oh-referrals/${ids.oh}`, { appointmentOn: "2026-12-01" }, "patch");
    const sup = await c(amhp.client, `/api/staff/${amhp.id}/supervisions`, { heldOn: "2026-11-20", supervisorId: boss.id });
    ids.supervision = sup.id;
    await c(boss.client, `/api/supervisions/${sup.id}/confirm`, {});
    ids.training = (await c(boss.client, `/api/staff/${amhp.id}/training`, { date: "2026-11-20", hours: 3, topic: "AMHP law" })).id;
    await c(boss.client, `/api/records/training/${ids.training}/void`, { reason: "Entered under the wrong person" });
    ids.approval = (await c(hrP.client, `/api/staff/${amhp.id}/amhp-approvals`, { validFrom: "2026-11-01", validUntil: "2031-10-31", lateEntryReason: "Panel minutes came late" })).id;
    ids.leave = (await c(boss.client, `/api/staff/${amhp.id}/leave`, { from: "2026-12-21", to: "2026-12-24", kind: "annual" })).id;
    await c(admin.client, `/api/staff/${amhp.id}`, { team: "West", fte: 0.8, email: "Moved.Person@Test.Example" }, "patch");
    await c(admin.client, `/api/staff/${amhp.id}`, { team: "East", roles: ["amhp", "social_worker"] }, "patch");
  });

  it("an honest history replays to exactly the rows there are", async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, mismatches: [] });
    expect(r.records.checked).toBeGreaterThanOrEqual(13); // 7 records, 5 people, 3 teams
    // The CLI's synchronous path agrees.
    const { verifyAuditAndRecords } = await import("../../src/audit/records-check.js");
    expect(verifyAuditAndRecords(t.deps.db)).toMatchObject({ ok: true, records: { mismatchCount: 0 }, mismatches: [] });
  });

  it("a changed cause, a moved date, an added role: each named by entity, id and field; the chain itself still holds", async () => {
    sql("UPDATE sickness_episodes SET cause = 'infection' WHERE id = ?", ids.sickness);
    sql("UPDATE oh_referrals SET referred_on = '2026-11-10' WHERE id = ?", ids.oh);
    sql(`UPDATE staff SET roles = '["amhp","social_worker","admin"]' WHERE id = ?`, amhp.id);
    sql("UPDATE supervisions SET supervisor_confirmed_at = NULL WHERE id = ?", ids.supervision);
    sql("UPDATE training_records SET voided_at = NULL, voided_by = NULL, void_reason = NULL WHERE id = ?", ids.training);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.firstBadSeq).toBeUndefined(); // not an audit row: the records
    expect(r.problem).toMatch(/differ/);
    const got = (r.mismatches as { entity: string; id: string; field: string; problem: string }[]).map((m) => `${m.entity} ${m.id} ${m.field} ${m.problem}`).sort();
    expect(got).toEqual(
      [
        `sickness_episode ${ids.sickness} cause changed`,
        `oh_referral ${ids.oh} referredOn changed`,
        `staff ${amhp.id} roles changed`,
        `supervision ${ids.supervision} supervisorConfirmedAt changed`,
        `training ${ids.training} voidedAt changed`,
        `training ${ids.training} voidedBy changed`,
        `training ${ids.training} voidReason changed`,
      ].sort(),
    );
    expect(r.records.mismatchCount).toBe(7);
    expect(JSON.stringify(r)).not.toMatch(/infection|stress/); // values are never shown
    // Put back as the chain says, and it holds again.
    sql("UPDATE sickness_episodes SET cause = 'stress_anxiety_depression' WHERE id = ?", ids.sickness);
    sql("UPDATE oh_referrals SET referred_on = '2026-11-17' WHERE id = ?", ids.oh);
    sql(`UPDATE staff SET roles = '["amhp","social_worker"]' WHERE id = ?`, amhp.id);
    const confirmedAt = t.clock.now().getTime();
    sql("UPDATE supervisions SET supervisor_confirmed_at = ? WHERE id = ?", confirmedAt, ids.supervision);
    sql("UPDATE training_records SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?", confirmedAt, boss.id, "Entered under the wrong person", ids.training);
    expect((await verify()).ok).toBe(true);
  });

  it("a kept version rewritten (the history of a correction) is found", async () => {
    t.deps.db.$client.exec("DROP TRIGGER record_versions_no_update; DROP TRIGGER record_versions_no_delete;");
    const v1 = t.deps.db.$client.prepare("SELECT id, data FROM record_versions WHERE kind = 'sickness' AND record_id = ? AND version = 1").get(ids.sickness) as { id: string; data: string };
    const forged = { ...JSON.parse(v1.data), cause: "infection" };
    sql("UPDATE record_versions SET data = ?, reason = 'Nothing to see' WHERE id = ?", JSON.stringify(forged), v1.id);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.mismatches).toEqual([
      { entity: "record_version", id: v1.id, field: "reason", problem: "changed" },
      { entity: "record_version", id: v1.id, field: "data.cause", problem: "changed" },
    ]);
    sql("UPDATE record_versions SET data = ?, reason = NULL WHERE id = ?", v1.data, v1.id);
    expect((await verify()).ok).toBe(true);
    const v2 = t.deps.db.$client.prepare("SELECT id FROM record_versions WHERE kind = 'sickness' AND record_id = ? AND version = 2").get(ids.sickness) as { id: string };
    sql("UPDATE record_versions SET reason = 'Nothing to see' WHERE id = ?", v2.id);
    expect((await verify()).mismatches).toEqual([{ entity: "record_version", id: v2.id, field: "reason", problem: "changed" }]);
    sql("DELETE FROM record_versions WHERE id = ?", v2.id);
    expect((await verify()).mismatches).toEqual([{ entity: "record_version", id: `sickness/${ids.sickness}/v2`, field: "*", problem: "missing" }]);
  });

  it("a row added outside the service, or deleted, is found", async () => {
    const now = t.clock.now().getTime();
    sql("INSERT INTO leave_records (id, staff_id, from_day, to_day, kind, recorded_at, recorded_by) VALUES ('forged-leave', ?, '2026-11-02', '2026-11-06', 'annual', ?, ?)", amhp.id, now, boss.id);
    sql("DELETE FROM amhp_approvals WHERE id = ?", ids.approval);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.mismatches).toEqual(
      expect.arrayContaining([
        { entity: "leave", id: "forged-leave", field: "*", problem: "not_in_chain" },
        { entity: "amhp_approval", id: ids.approval, field: "*", problem: "missing" },
      ]),
    );
    expect(r.mismatches).toHaveLength(3); // and the version deleted above
  });
});

describe("the records check while the service keeps writing", () => {
  it("writes made between its pages are not mistaken for tampering; a tampered row still is", async () => {
    const t = await testEnv();
    const { addTraining } = await import("../../src/hr/staff-records.js");
    const { voidHrRecord } = await import("../../src/hr/void.js");
    const { updateStaff } = await import("../../src/staff/service.js");
    const { verifyAuditAndRecordsAsync } = await import("../../src/audit/records-check.js");
    const hrP = await t.person({ roles: ["hr"] });
    const someone = await t.person({ roles: ["amhp"], team: "East" });
    const user = { id: hrP.id, name: "HR", email: "hr@test.example", roles: ["hr" as const], teamId: null, category: "other" as const };
    const { recordSickness, changeSickness } = await import("../../src/hr/sickness.js");
    const episode = await recordSickness(t.deps, user, someone.id, { firstDay: "2026-11-18", lastDay: "2026-11-19", cause: "infection" });
    // More than a page (2,000) of rows and of audit entries, so the check yields between pages.
    const made = [];
    for (let i = 0; i < 4500; i++) made.push((await addTraining(t.deps, user, someone.id, { date: "2026-11-20", hours: 1, topic: `Course ${i}` })).id);
    let writes = 0;
    let running = true;
    const writer = (async () => {
      while (running) {
        await addTraining(t.deps, user, someone.id, { date: "2026-11-21", hours: 2, topic: "During the check" });
        await voidHrRecord(t.deps, user, "training", made[writes]!, "Entered twice by mistake");
        await updateStaff(t.deps, { type: "system", job: "test" }, someone.id, { fte: writes % 2 ? 0.5 : 1 });
        await changeSickness(t.deps, user, episode.id, { lastDay: writes % 2 ? "2026-11-19" : "2026-11-20", reason: "Fit note read again" });
        writes++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const honest = await verifyAuditAndRecordsAsync(t.deps.db);
    running = false;
    await writer;
    expect(writes).toBeGreaterThan(2); // the writer did run between the check's pages
    expect(honest).toMatchObject({ ok: true, mismatches: [] });

    t.deps.db.$client.prepare("UPDATE training_records SET hours = 40 WHERE id = ?").run(made[4000]);
    const caught = await verifyAuditAndRecordsAsync(t.deps.db);
    expect(caught.mismatches).toEqual([{ entity: "training", id: made[4000], field: "hours", problem: "changed" }]);
  }, 60_000);
});
