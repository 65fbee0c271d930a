// A shared escalation test setup: a worker, admin, a duty manager, a senior manager,
// a recording push sender, a settable rota and the default ladder (as defaultPolicy in src/lone-working/escalation/policy.ts).
import { expect } from "vitest";
import { testEnv, type TestEnv } from "../helpers.js";
import { tick } from "../../src/lone-working/escalation/pass.js";
import { RecordingPush, fakeRota } from "./fakes.js";

export type Person = Awaited<ReturnType<TestEnv["person"]>>;

export const LADDER = [
  { afterSeconds: 0, notify: "worker" },
  { afterSeconds: 300, notify: "duty_manager" },
  { afterSeconds: 900, notify: "all_managers" },
  { afterSeconds: 1800, notify: "all_managers", repeatEverySeconds: 300, considerPolice: true },
];

export async function escalationSetup(policyOver: Record<string, unknown> = {}, envOver: Record<string, string> = {}) {
  const e = await testEnv(envOver);
  const push = new RecordingPush();
  e.deps.push = push;
  const rota = fakeRota();
  const worker = await e.person({ roles: ["amhp"], name: "Alex Worker" });
  const admin = await e.person({ roles: ["admin"] });
  const m1 = await e.person({ roles: ["manager"] });
  const senior = await e.person({ roles: ["senior_manager"] });
  rota.managers = [m1.id];
  const p = await admin.client.put("/api/escalation-policy", { steps: LADDER, panicStartsAtStep: 2, seniorStaffIds: [senior.id], receiptTimeoutSeconds: 60, ...policyOver });
  expect(p.status).toBe(200);
  const run = () => tick(e.deps, { onDutyAt: rota.onDutyAt });
  const at = (m: number) => new Date(e.clock.now().getTime() + m * 60_000).toISOString();
  return { e, push, rota, worker, admin, m1, senior, run, at };
}
