// Issue 9, reports: the sickness cause must not leak to a line manager through the
// OH timing; CSV cells must not run as spreadsheet formulas; an as-of date must not
// count people who had not started yet.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { ORIGIN, testEnv, type Client, type TestEnv } from "../helpers.js";
import { toCsv } from "../../src/reports/format.js";

let env: TestEnv;
type P = { id: string; client: Client };
let hr: P, mgr: P, senior: P, stress: P, infection: P;
const late = { lateEntryReason: "Back-filled from the paper diary" };

async function created(c: Client, path: string, body: object) {
  const r = await c.post(path, body);
  if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
  return r.body;
}

async function csvOf(c: Client, path: string) {
  const res = await env.app.request(`${path}&format=csv`, { headers: { Origin: ORIGIN, Cookie: c.cookie! } });
  expect(res.status).toBe(200);
  return parse(await res.text(), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

beforeAll(async () => {
  env = await testEnv();
  hr = await env.person({ roles: ["hr"] });
  mgr = await env.person({ roles: ["manager"], team: "North" });
  senior = await env.person({ roles: ["senior_manager"], team: "Leadership" });
  // Two people alike in everything but the cause of one absence.
  const same = { roles: ["social_worker"] as const, team: "North", category: "qualified" as const, startDate: "2020-01-06", fte: 0.8 };
  stress = await env.person({ ...same, roles: [...same.roles], name: "Twin A" });
  infection = await env.person({ ...same, roles: [...same.roles], name: "Twin B" });
  // Open since 1 November (entered late by HR), and an earlier closed one each.
  for (const [p, cause] of [[stress, "stress_anxiety_depression"], [infection, "infection"]] as const) {
    await created(hr.client, `/api/staff/${p.id}/sickness`, { firstDay: "2026-06-01", lastDay: "2026-06-30", cause, ...late });
    await created(hr.client, `/api/staff/${p.id}/sickness`, { firstDay: "2026-11-01", cause, ...late });
  }
});

/** A row without who it is about: what must not differ between the twins. */
const anonymous = (r: Record<string, unknown>) => {
  const { staffId, name, referralId, sicknessId, ...rest } = r;
  return rest;
};

describe("the sickness cause does not leak through OH timing", () => {
  // Day 2, day 10, day 22 and day 24 of the open absence; and inside the closed one.
  const DAYS = ["2026-06-03", "2026-06-25", "2026-11-02", "2026-11-10", "2026-11-22", "2026-11-24"];

  it.each(DAYS)("a line manager's sickness and OH rows for the twins are identical as of %s (JSON and CSV)", async (asOf) => {
    for (const who of [mgr, senior]) {
      for (const report of ["sickness", "oh-referrals"]) {
        const path = `/api/reports/${report}?asOf=${asOf}`;
        const rows = (await who.client.get(path)).body.rows as Record<string, unknown>[];
        const a = rows.filter((r) => r.staffId === stress.id).map(anonymous);
        const b = rows.filter((r) => r.staffId === infection.id).map(anonymous);
        expect(a, `${report} ${asOf}`).toEqual(b);
        const csv = await csvOf(who.client, path);
        expect(csv.filter((r) => r.staffId === stress.id).map(anonymous)).toEqual(csv.filter((r) => r.staffId === infection.id).map(anonymous));
      }
    }
  });

  it("a line manager's list of each person's episodes is identical too", async () => {
    const list = async (p: P) => ((await mgr.client.get(`/api/staff/${p.id}/sickness`)).body.episodes as Record<string, unknown>[]).map(({ id, staffId, ...rest }) => rest);
    expect(await list(stress)).toEqual(await list(infection));
  });

  it("for a manager, a referral is due from day 21 whatever the cause; HR still sees the day-1 rule", async () => {
    const at = async (c: Client, asOf: string, p: P) => ((await c.get(`/api/reports/sickness?asOf=${asOf}`)).body.rows as Record<string, unknown>[]).find((r) => r.staffId === p.id)!;
    // Day 10 and day 22 of the June absence.
    expect(await at(mgr.client, "2026-06-10", stress)).toMatchObject({ ohReferralDue: false });
    expect(await at(mgr.client, "2026-06-22", stress)).toMatchObject({ ohReferralDue: true, ohReferralMade: false });
    expect(await at(hr.client, "2026-06-10", stress)).toMatchObject({ ohReferralDue: true });
    expect(await at(hr.client, "2026-06-10", infection)).toMatchObject({ ohReferralDue: false });
    const oh = (await mgr.client.get(`/api/reports/oh-referrals?asOf=2026-11-24`)).body.rows as Record<string, unknown>[];
    const notReferred = oh.filter((r) => r.staffId === stress.id && r.status === "not_referred");
    expect(notReferred.map((r) => [r.dueOn, r.daysWaiting])).toEqual([["2026-06-21", 156], ["2026-11-21", 3]]);
    const ohHr = (await hr.client.get(`/api/reports/oh-referrals?asOf=2026-11-24`)).body.rows as Record<string, unknown>[];
    expect(ohHr.filter((r) => r.staffId === stress.id && r.status === "not_referred").map((r) => [r.dueOn, r.daysWaiting])).toEqual([["2026-06-01", 176], ["2026-11-01", 23]]);
  });
});

describe("CSV formula injection", () => {
  it("a text cell beginning with = + - @ tab or CR is prefixed with ' ; numbers stay numbers", () => {
    const rows = [
      { name: "=HYPERLINK(\"http://evil.example\",\"click\")", n: -3, when: "2026-11-24" },
      { name: "+1+1", n: 0, when: null },
      { name: "-2+3", n: -0.5, when: null },
      { name: "@SUM(A1:A9)", n: 1, when: null },
      { name: "\t=1", n: 2, when: null },
      { name: "\r=1", n: 3, when: null },
      { name: "Ana = Bob", n: 4, when: null },
      { name: "\uFF1D1+1", n: 5, when: null },
    ];
    const records = parse(toCsv(rows, ["name", "n", "when"]), { bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((r) => r.name)).toEqual(["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+1", "'-2+3", "'@SUM(A1:A9)", "'\t=1", "'\r=1", "Ana = Bob", "'\uFF1D1+1"]);
    expect(records.map((r) => r.n)).toEqual(["-3", "0", "-0.5", "1", "2", "3", "4", "5"]);
    expect(records[0]!.when).toBe("2026-11-24");
  });

  it("a name or team that is a formula is exported inert, and JSON keeps it as entered", async () => {
    const evil = await env.person({ roles: ["social_worker"], team: "North", name: "=cmd|' /C calc'!A0" });
    const path = `/api/reports/supervision?asOf=2026-11-24`;
    const json = ((await hr.client.get(path)).body.rows as Record<string, unknown>[]).find((r) => r.staffId === evil.id)!;
    expect(json.name).toBe("=cmd|' /C calc'!A0");
    const row = (await csvOf(hr.client, path)).find((r) => r.staffId === evil.id)!;
    expect(row.name).toBe("'=cmd|' /C calc'!A0");
  });
});

describe("as-of counts only people who had started", () => {
  it("someone starting after asOf is in no supervision, sickness or approvals row as of that date", async () => {
    const newcomer = await env.person({ roles: ["amhp"], team: "North", startDate: "2026-12-01", category: "asye" });
    for (const report of ["supervision", "sickness", "amhp-approvals"]) {
      const before = (await hr.client.get(`/api/reports/${report}?asOf=2026-11-24`)).body.rows as { staffId: string }[];
      expect(before.map((r) => r.staffId), `${report} before the start`).not.toContain(newcomer.id);
      expect((await csvOf(mgr.client, `/api/reports/${report}?asOf=2026-11-30`)).map((r) => r.staffId)).not.toContain(newcomer.id);
      const after = (await hr.client.get(`/api/reports/${report}?asOf=2026-12-01`)).body.rows as { staffId: string }[];
      expect(after.map((r) => r.staffId), `${report} on the start day`).toContain(newcomer.id);
    }
  });
});

// From the outside review of issue 9: the cause side channel across every report, page and record.
describe("a line manager cannot tell two absences apart by their cause", () => {
  // A fresh database for each case, as where these were first written.
  let env: TestEnv;
  beforeEach(async () => {
    env = await testEnv();
  });

  it("sickness and OH reports (JSON and CSV), the /hr pages, and the records read the same for stress and infection", async () => {
    const manager = await env.person({ roles: ["manager"], team: "East" });
    const hr = await env.person({ roles: ["hr"] });
    const a = await env.person({ roles: ["social_worker"], team: "East", name: "Person Alpha", startDate: "2020-01-06" });
    const b = await env.person({ roles: ["social_worker"], team: "East", name: "Person Bravo", startDate: "2020-01-06" });
    const made: Record<string, { sickness: string; oh: string }> = {};
    for (const [p, cause] of [
      [a, "stress_anxiety_depression"],
      [b, "infection"],
    ] as const) {
      const s = await hr.client.post(`/api/staff/${p.id}/sickness`, { firstDay: "2026-11-18", cause });
      expect(s.status).toBe(201);
      made[p.id] = { sickness: s.body.id, oh: "<none yet>" };
    }
    // Replace everything that names or identifies one of the two, so only what depends on the cause could differ.
    const blind = (text: string, p: typeof a) =>
      text
        .split(a.id).join("<P>").split(b.id).join("<P>")
        .split(made[p.id]!.sickness).join("<S>").split(made[p.id]!.oh).join("<O>")
        .replace(/Person (Alpha|Bravo)/g, "<NAME>")
        .replace(/(amhp|social_worker)-\d+-[a-z0-9]+@test\.example/g, "<EMAIL>")
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<UUID>")
        .replace(/nonce="[^"]*"|nonce-[A-Za-z0-9+/=]+/g, "<NONCE>");
    const rowsFor = (report: { rows?: unknown[] }, p: typeof a) => JSON.stringify((report.rows ?? []).filter((r) => JSON.stringify(r).includes(p.id)));

    const compare = async () => {
      for (const path of ["/api/reports/sickness", "/api/reports/oh-referrals"]) {
        const res = await manager.client.get(`${path}?asOf=2026-11-24`);
        expect(res.status).toBe(200);
        const [ra, rb] = [blind(rowsFor(res.body, a), a), blind(rowsFor(res.body, b), b)];
        if (path.endsWith("sickness")) expect(ra).not.toBe("[]");
        expect(ra, path).toBe(rb);
        const csv = (await manager.client.get(`${path}?asOf=2026-11-24&format=csv`)).text.split("\n");
        const line = (p: typeof a, name: string) => blind(csv.filter((l) => l.includes(p.id) || l.includes(name)).join("\n"), p);
        expect(line(a, "Person Alpha"), `${path} csv`).toBe(line(b, "Person Bravo"));
      }
      for (const p of [a, b]) expect(JSON.stringify((await manager.client.get(`/api/staff/${p.id}/sickness`)).body)).not.toMatch(/stress|infection/);
      const perPerson = async (p: typeof a) =>
        Promise.all(
          [`/api/staff/${p.id}/sickness`, `/api/staff/${p.id}/oh-referrals`, `/api/staff/${p.id}/hr-records`, `/api/staff/${p.id}`, `/api/records/sickness/${made[p.id]!.sickness}/history`].map(async (u) => {
            const r = await manager.client.get(u);
            return `${r.status} ${blind(r.text, p)}`;
          }),
        );
      expect(await perPerson(a)).toEqual(await perPerson(b));
      // The /hr pages: one person's name filter each, everything else alike.
      for (const report of ["sickness", "oh-referrals"]) {
        const page = async (p: typeof a, q: string) => blind((await manager.client.get(`/hr?report=${report}&asOf=2026-11-24&q=${q}`)).text, p).replace(/Alpha|Bravo/g, "<Q>");
        expect(await page(a, "Alpha"), `/hr ${report}`).toBe(await page(b, "Bravo"));
      }
    };
    // Before any referral (HR's rule: OH due on day 1 for stress), and after both are referred.
    await compare();
    for (const p of [a, b]) {
      const oh = await hr.client.post(`/api/staff/${p.id}/oh-referrals`, { referredOn: "2026-11-19", reason: "Referred after absence", sicknessId: made[p.id]!.sickness });
      expect(oh.status).toBe(201);
      made[p.id]!.oh = oh.body.id;
    }
    await compare();
  });
});
