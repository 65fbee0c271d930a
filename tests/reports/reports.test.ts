// Reports: the CSV (parsed by an independent parser) matches the JSON row for row;
// managers see only their team and never causes or reasons; the numbers are right.
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { ORIGIN, testEnv, type Client, type TestEnv } from "../helpers.js";

let env: TestEnv;
let hr: { id: string; client: Client };
let mgr: { id: string; client: Client };
let southMgr: { id: string; client: Client };
let ana: { id: string; client: Client }; // North, over the trigger
let bob: { id: string; client: Client }; // North, long-term absent, no OH referral
let cat: { id: string; client: Client }; // South

const ASOF = "2026-11-24";

beforeAll(async () => {
  env = await testEnv();
  hr = await env.person({ roles: ["hr"] });
  mgr = await env.person({ roles: ["manager"], team: "North" });
  southMgr = await env.person({ roles: ["manager"], team: "South" });
  ana = await env.person({ roles: ["amhp"], team: "North", name: "Ana Ó Súilleabháin, \"Annie\"" });
  bob = await env.person({ roles: ["social_worker"], team: "North", name: "Bob Baker", fte: 0.5 });
  cat = await env.person({ roles: ["amhp"], team: "South", name: "Cat Chen" });
  const late = { lateEntryReason: "Back-filled from the paper diary" };
  const post = async (c: Client, path: string, body: object) => {
    const r = await c.post(path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  // Ana: three short episodes in the last 12 months → trigger on episodes.
  for (const [f, l] of [["2026-01-12", "2026-01-13"], ["2026-04-20", "2026-04-20"], ["2026-09-07", "2026-09-09"]] as const) {
    const e = await post(mgr.client, `/api/staff/${ana.id}/sickness`, { firstDay: f, lastDay: l, cause: "infection", ...late });
    await post(mgr.client, `/api/sickness/${e.id}/return-to-work`, { heldOn: nextDay(l), ...late });
  }
  // Bob: open since 1 October for "surgery": long-term, no OH referral → breach.
  await post(hr.client, `/api/staff/${bob.id}/sickness`, { firstDay: "2026-10-01", cause: "surgery", ...late });
  // Cat: an OH referral awaiting appointment.
  await post(hr.client, `/api/staff/${cat.id}/oh-referrals`, { referredOn: "2026-11-10", reason: "Back pain", ...late });
  await post(hr.client, `/api/staff/${ana.id}/amhp-approvals`, { validFrom: "2024-03-01", validUntil: "2029-02-28", ...late });
  await post(hr.client, `/api/staff/${ana.id}/training`, { date: "2026-06-01", hours: 7.5, topic: "Case law, \"Cheshire West\"", ...late });
  await post(ana.client, `/api/staff/${ana.id}/supervisions`, { heldOn: "2026-11-02", supervisorId: mgr.id, ...late });
});

const nextDay = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);

/** Fetch raw, so the byte-order mark is seen (text() would strip it). */
async function raw(c: Client, path: string, headers: Record<string, string> = {}) {
  const res = await env.app.request(path, { headers: { Origin: ORIGIN, Cookie: c.cookie!, ...headers } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
}

const cellOf = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "boolean" ? String(v) : String(v));

async function jsonAndCsv(c: Client, path: string) {
  const json = await c.get(path);
  expect(json.status, json.text).toBe(200);
  const csv = await raw(c, `${path}${path.includes("?") ? "&" : "?"}format=csv`);
  expect(csv.res.status).toBe(200);
  expect(csv.res.headers.get("content-type")).toContain("text/csv");
  expect(csv.res.headers.get("content-disposition")).toMatch(/^attachment; filename="[a-z-]+-2026-11-24\.csv"$/);
  expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const records = parse(csv.text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return { rows: json.body.rows as Record<string, unknown>[], records, header: Object.keys(records[0] ?? {}) };
}

function expectSameRows(rows: Record<string, unknown>[], records: Record<string, string>[]) {
  expect(records).toHaveLength(rows.length);
  rows.forEach((row, i) => {
    for (const [k, v] of Object.entries(records[i]!)) expect([k, v]).toEqual([k, cellOf(row[k])]);
  });
}

describe.each(["supervision", "sickness", "oh-referrals", "amhp-approvals", "integrity"])("%s report", (name) => {
  const path = name === "integrity" ? `/api/reports/integrity?from=2026-01-01&to=${ASOF}` : `/api/reports/${name}?asOf=${ASOF}`;
  it("CSV matches JSON row for row, for HR and for a manager", async () => {
    for (const c of [hr.client, mgr.client]) {
      const { rows, records } = await jsonAndCsv(c, path);
      expect(rows.length).toBeGreaterThan(0);
      expectSameRows(rows, records);
    }
  });
  it("CSV has a column for every field of the JSON rows (a new field is not silently left out of the download)", async () => {
    const { rows, header } = await jsonAndCsv(hr.client, path);
    expect(header).toEqual(expect.arrayContaining(Object.keys(rows[0]!)));
  });
  it("Accept: text/csv gives the same CSV as ?format=csv", async () => {
    const a = await raw(hr.client, path, { Accept: "text/csv" });
    const b = await raw(hr.client, `${path}&format=csv`);
    expect(a.text).toBe(b.text);
  });
  it("negotiates by q-value: JSON preferred or CSV refused stays JSON", async () => {
    for (const accept of ["application/json, text/csv;q=0.5", "text/csv;q=0, application/json", "*/*"]) {
      const r = await raw(hr.client, path, { Accept: accept });
      expect(r.res.headers.get("content-type"), accept).toContain("application/json");
    }
    expect((await raw(hr.client, path, { Accept: "application/json;q=0.2, text/csv" })).res.headers.get("content-type")).toContain("text/csv");
  });
});

describe("report contents and scope", () => {
  it("sickness: trigger, Bradford, long-term, OH breach; no causes anywhere", async () => {
    const { rows, header } = await jsonAndCsv(hr.client, `/api/reports/sickness?asOf=${ASOF}`);
    const a = rows.find((r) => r.staffId === ana.id)!;
    // 2 + 1 + 3 working days; 3 spells → Bradford 9 × 6.
    expect(a).toMatchObject({ episodes12m: 3, workingDaysLost12m: 6, bradford: 54, triggerReached: true, longTerm: false, rtwOverdue: false });
    const b = rows.find((r) => r.staffId === bob.id)!;
    // Open since 1 Oct: 39 working days to 24 Nov, at 0.5 FTE.
    expect(b).toMatchObject({ episodes12m: 1, workingDaysLost12m: 19.5, currentlyAbsent: true, longTerm: true, ohReferralDue: true, ohReferralMade: false, ohBreach: true, triggerReached: true });
    expect(JSON.stringify(rows)).not.toMatch(/surgery|infection|cause/);
    expect(header).not.toContain("cause");
  });

  it("a manager sees only their team; another team's manager sees none of it", async () => {
    const north = (await mgr.client.get(`/api/reports/sickness?asOf=${ASOF}`)).body.rows.map((r: { staffId: string }) => r.staffId);
    expect(north).toContain(ana.id);
    expect(north).not.toContain(cat.id);
    const south = (await southMgr.client.get(`/api/reports/sickness?asOf=${ASOF}`)).body.rows.map((r: { staffId: string }) => r.staffId);
    expect(south).toContain(cat.id);
    expect(south).not.toContain(ana.id);
    expect(south).not.toContain(bob.id);
  });

  it("OH referrals: waiting days, breaches listed, reasons for HR only", async () => {
    const asHr = (await hr.client.get(`/api/reports/oh-referrals?asOf=${ASOF}`)).body.rows;
    expect(asHr.find((r: { staffId: string }) => r.staffId === cat.id)).toMatchObject({ status: "awaiting_appointment", daysWaiting: 14, reason: "Back pain" });
    expect(asHr.find((r: { staffId: string }) => r.staffId === bob.id)).toMatchObject({ status: "not_referred", dueOn: "2026-10-21", daysWaiting: 34, referralId: null });
    const asSouth = await jsonAndCsv(southMgr.client, `/api/reports/oh-referrals?asOf=${ASOF}`);
    expect(asSouth.rows).toHaveLength(1);
    expect(asSouth.rows[0]!.reason).toBeUndefined();
    expect(asSouth.header).not.toContain("reason");
  });

  it("AMHP approvals and supervision rows carry the contract's fields", async () => {
    const ap = (await hr.client.get(`/api/reports/amhp-approvals?asOf=${ASOF}`)).body.rows;
    expect(ap.find((r: { staffId: string }) => r.staffId === ana.id)).toMatchObject({ validUntil: "2029-02-28", trainingHoursThisYear: 7.5, status: "training_shortfall" });
    expect(ap.find((r: { staffId: string }) => r.staffId === cat.id)).toMatchObject({ validUntil: null, status: "none" });
    const sup = (await hr.client.get(`/api/reports/supervision?asOf=${ASOF}`)).body.rows;
    expect(Object.keys(sup[0])).toEqual(expect.arrayContaining(["staffId", "name", "category", "lastSupervision", "dueBy", "overdueDays", "status"]));
    expect(sup.find((r: { staffId: string }) => r.staffId === ana.id)).toMatchObject({ lastSupervision: null, awaitingConfirmation: 1 });
  });

  it("integrity: entries, late entries, voids and corrections per recorder", async () => {
    const e = await hr.client.post(`/api/staff/${cat.id}/training`, { date: ASOF, hours: 1, topic: "t" });
    await hr.client.post(`/api/records/training/${e.body.id}/void`, { reason: "duplicate" });
    const rows = (await hr.client.get(`/api/reports/integrity?from=2026-11-01&to=${ASOF}`)).body.rows;
    expect(rows.find((r: { recorderId: string }) => r.recorderId === hr.id)).toMatchObject({ entries: 5, lateEntries: 4, voids: 1, corrections: 0 });
    expect(rows.find((r: { recorderId: string }) => r.recorderId === mgr.id)).toMatchObject({ entries: 6, lateEntries: 6 });
    expect((await hr.client.get(`/api/reports/integrity?from=2026-12-01&to=2026-11-01`)).status).toBe(400);
    // A correction (a value already set, changed with a reason) counts against its maker.
    const ep = (await mgr.client.get(`/api/staff/${ana.id}/sickness`)).body.episodes[0];
    expect((await mgr.client.patch(`/api/sickness/${ep.id}`, { lastDay: "2026-09-08", reason: "Came back a day early" })).status).toBe(200);
    const after = (await hr.client.get(`/api/reports/integrity?from=2026-11-01&to=${ASOF}`)).body.rows;
    expect(after.find((r: { recorderId: string }) => r.recorderId === mgr.id)).toMatchObject({ corrections: 1 });
    // The South manager sees only records about South staff: HR's one entry for Cat, plus its void.
    const south = (await southMgr.client.get(`/api/reports/integrity?from=2026-11-01&to=${ASOF}`)).body.rows;
    expect(south).toEqual([expect.objectContaining({ recorderId: hr.id, entries: 2, voids: 1, corrections: 0 })]);
  });

  it("bad asOf is a 400 naming it; staff without a reporting role get 403", async () => {
    const r = await hr.client.get(`/api/reports/sickness?asOf=yesterday`);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain("asOf");
    expect((await ana.client.get(`/api/reports/sickness`)).status).toBe(403);
  });
});
