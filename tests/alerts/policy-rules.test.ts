// Review D3/D3b: the policy refuses ladders that go quiet (the last step does not repeat)
// or whose panic starts at a step that tells only the worker.
import { expect, it } from "vitest";
import { expectInvalid } from "../helpers.js";
import { policyProblems } from "../../src/lone-working/escalation/policy.js";
import { escalationSetup, LADDER } from "./setup.js";

it("400 naming the field, nothing written, for a quiet end, a panic at a worker step, steps out of order", async () => {
  const s = await escalationSetup();
  const put = (body: Record<string, unknown>) => s.admin.client.put("/api/escalation-policy", { steps: LADDER, panicStartsAtStep: 2, seniorStaffIds: [s.senior.id], ...body });
  const before = s.e.auditCount();
  expectInvalid(await put({ steps: [{ afterSeconds: 0, notify: "all_managers" }], panicStartsAtStep: 0 }), "steps.0.repeatEverySeconds");
  expectInvalid(await put({ steps: LADDER.slice(0, 3) }), "steps.2.repeatEverySeconds");
  expectInvalid(await put({ panicStartsAtStep: 0 }), "panicStartsAtStep");
  expectInvalid(await put({ panicStartsAtStep: 4 }), "panicStartsAtStep");
  expectInvalid(await put({ steps: [LADDER[0], LADDER[2], LADDER[1], LADDER[3]] }), "steps.2.afterSeconds");
  expectInvalid(await put({ steps: [{ afterSeconds: 0, notify: "worker", repeatEverySeconds: 60 }] }), "steps.0.notify");
  expect(s.e.auditCount()).toBe(before);
  expect((await put({ steps: [{ afterSeconds: 0, notify: "all_managers", repeatEverySeconds: 300 }], panicStartsAtStep: 0 })).status).toBe(200);
});

it("equal afterSeconds are allowed (non-decreasing), and the default ladder passes", () => {
  expect(policyProblems({ steps: [{ afterSeconds: 0, notify: "duty_manager" }, { afterSeconds: 0, notify: "senior", repeatEverySeconds: 60 }], panicStartsAtStep: 1 })).toEqual([]);
  expect(policyProblems({ steps: LADDER as never, panicStartsAtStep: 2 })).toEqual([]);
});

it("an unacknowledged panic keeps repeating on a one-step ladder", async () => {
  const s = await escalationSetup({ steps: [{ afterSeconds: 0, notify: "all_managers", repeatEverySeconds: 300 }], panicStartsAtStep: 0 });
  const v = (await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(60) })).body;
  const alarm = (await s.worker.client.post(`/api/visits/${v.id}/alarm`)).body;
  await s.run();
  const sends = () => s.push.sent.filter((x) => x.payload.alertId === alarm.alertId).length;
  const first = sends();
  expect(first).toBeGreaterThan(0);
  for (let i = 0; i < 16; i++) {
    s.e.clock.advanceMinutes(1);
    await s.run();
  }
  expect(sends()).toBeGreaterThanOrEqual(first * 3);
});

it("a stored policy from before these checks, with panicStartsAtStep at a worker step, still starts a panic at a manager step", async () => {
  const { panicStart } = await import("../../src/lone-working/escalation/raise.js");
  expect(panicStart({ steps: LADDER as never, panicStartsAtStep: 0, seniorStaffIds: [], receiptTimeoutSeconds: 60, reminderAfterSeconds: 1800, smsAfterSeconds: 60 })).toBe(1);
  expect(panicStart({ steps: LADDER as never, panicStartsAtStep: 9, seniorStaffIds: [], receiptTimeoutSeconds: 60, reminderAfterSeconds: 1800, smsAfterSeconds: 60 })).toBe(3);
  expect(panicStart({ steps: LADDER as never, panicStartsAtStep: 2, seniorStaffIds: [], receiptTimeoutSeconds: 60, reminderAfterSeconds: 1800, smsAfterSeconds: 60 })).toBe(2);
});
