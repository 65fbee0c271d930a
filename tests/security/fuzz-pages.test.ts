// Every page form, attacked as an outsider would: each page's POST with every action the
// pages know, as every role and as nobody, with each field given extreme or malformed
// values (empty, huge, control and bidi characters, wrong types, lists where one value is
// expected, out-of-range dates and numbers). The answer is a page (200/4xx) or a redirect
// (303), never a 500; and a refused post writes nothing (the audit chain does not grow).
import { beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, sessionCookie, testEnv, type TestEnv } from "../helpers.js";
import { ROLES, type Role } from "../../src/staff/schema.js";
import { PAGES } from "../../src/web/page-access.js";
import { buildCast } from "../../src/cli/demo.js";
import { seedHr } from "../../src/hr/demo.js";
import { seedRota } from "../../src/rota/demo.js";
import { seedLoneWorking } from "../../src/lone-working/alerts/demo.js";
import { listStaff } from "../../src/staff/service.js";
import { listRotas } from "../../src/rota/service.js";

const ACTIONS = [
  "", "no-such-action", "accept-swap", "add", "add-pattern", "approve", "assign", "assign-confirmed", "cancel", "close-absence",
  "confirm-supervision", "correct-absence", "deactivate", "dispute-supervision", "end-pattern", "mobile", "offer-swap", "oh-progress",
  "password", "preview", "reactivate", "record-absence", "record-approval", "record-interview", "record-leave", "record-supervision",
  "record-training", "refer", "revoke", "rotation", "rotation-preview", "save", "unlock", "void", "make", "verify",
];
const FIELDS = [
  "actor", "address", "appointmentOn", "asOf", "assignmentId", "bankHolidays", "category", "cause", "checkpoint", "currentPassword", "date", "days",
  "duration", "durationMinutes", "email", "endsOn", "entity", "expiresInDays", "firstDay", "from", "fte", "heldOn", "hours", "id", "interval", "kind",
  "label", "lastDay", "lateEntryReason", "mobile", "name", "newPassword", "next", "notes", "outcome", "panicStartsAtStep", "password", "patternId",
  "purpose", "q", "readOnly", "reason", "receiptTimeoutSeconds", "referredOn", "reminderAfterSeconds", "requiredStaff", "roles", "rota", "rrule",
  "seniorAdd", "seniorStaffIds", "sicknessId", "slot", "staffId", "staffIds", "startDate", "startTime", "startsOn", "status", "supervisorId", "team",
  "to", "toStaffId", "topic", "validFrom", "validUntil", "steps.0.afterSeconds", "steps.0.notify", "steps.99.afterSeconds",
];
const NASTY = ["", " ", "x".repeat(20_000), "\u202e\u200b\u0000", "-1", "1e308", "NaN", "9999-12-31", "0000-00-00", "2026-02-30", "25:99", "<script>", "[object Object]", "../../etc/passwd"];

let env: TestEnv;
const cookies = new Map<Role | "nobody", string | undefined>();
let ids: { staff: string; rota: string } = { staff: "no-such-id", rota: "no-such-id" };

beforeAll(async () => {
  env = await testEnv();
  const cast = await buildCast(env.deps);
  await seedHr(env.deps, cast);
  await seedRota(env.deps, cast);
  await seedLoneWorking(env.deps, cast);
  for (const role of ROLES) cookies.set(role, sessionCookie(env.deps, (await env.person({ roles: [role] })).id));
  cookies.set("nobody", undefined);
  const staff = await listStaff(env.deps);
  const rotas = await listRotas(env.deps);
  ids = { staff: staff.find((s) => s.roles.includes("amhp"))?.id ?? "no-such-id", rota: rotas[0]?.id ?? "no-such-id" };
}, 120_000);

function concrete(path: string): string[] {
  if (path.includes(":id")) {
    const real = path.startsWith("/rota") ? ids.rota : ids.staff;
    return [path.replace(":id", real), path.replace(":id", "no-such-id"), path.replace(":id", "%00%2e%2e")];
  }
  return [path];
}

let seed = 7;
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

async function post(path: string, cookie: string | undefined, form: [string, string][]) {
  const body = new URLSearchParams(form).toString();
  const headers: Record<string, string> = { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" };
  if (cookie) headers.Cookie = cookie;
  const res = await env.app.request(path, { method: "POST", headers, body });
  await res.text();
  return res.status;
}

describe("page forms under attack", () => {
  it("never answer 500, whatever is posted, by whom", async () => {
    const bad: string[] = [];
    const seen = new Map<number, number>();
    const posts = Object.keys(PAGES).flatMap(concrete);
    for (const path of posts) {
      for (const [who, cookie] of cookies) {
        for (const action of ACTIONS) {
          // One post with nothing but the action, then three with random nasty fields.
          for (let round = 0; round < 4; round++) {
            const form: [string, string][] = [["_action", action]];
            if (round > 0) {
              for (let i = 0; i < 12; i++) form.push([FIELDS[rand(FIELDS.length)]!, NASTY[rand(NASTY.length)]!]);
              form.push([FIELDS[rand(FIELDS.length)]!, "a"], [FIELDS[rand(FIELDS.length)]!, "b"]); // a field twice
            }
            const status = await post(path, cookie, form);
            seen.set(status, (seen.get(status) ?? 0) + 1);
            if (status >= 500) bad.push(`${who} POST ${path} _action=${action} round ${round}: ${status}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
    // The posts reached the forms: pages re-shown with errors, redirects to sign in and after
    // writes, and refusals by role (not all turned away at one gate).
    for (const s of [200, 303, 403]) expect(seen.get(s) ?? 0, `status ${s} seen: ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    expect((seen.get(400) ?? 0) + (seen.get(409) ?? 0) + (seen.get(422) ?? 0), JSON.stringify([...seen])).toBeGreaterThan(0);
  }, 600_000);

  it("a post refused for its values writes nothing", async () => {
    const before = env.auditCount();
    const hr = cookies.get("hr");
    for (const action of ["record-supervision", "record-absence", "record-approval", "record-training", "record-leave", "refer", "void"]) {
      await post(`/staff/${ids.staff}`, hr, [["_action", action], ["heldOn", "2026-02-30"], ["firstDay", "25:99"], ["validFrom", "x"], ["date", ""], ["reason", "\u200b"], ["from", "9999-12-31"]]);
    }
    await post("/staff/new", hr, [["name", "\u202e\u200b"], ["email", "not-an-email"], ["mobile", "12"]]);
    await post(`/rota/${ids.rota}`, cookies.get("manager"), [["_action", "add-pattern"], ["startTime", "25:99"], ["days", "XX"]]);
    expect(env.auditCount()).toBe(before);
  });
});
