// The escalation state machine on a fake clock: plain data in, actions out.
import { describe, expect, it } from "vitest";
import { plan, type FiredStep, type LadderState } from "../../src/lone-working/escalation/ladder.js";
import { defaultPolicy } from "../../src/lone-working/escalation/policy.js";

const T0 = new Date("2026-11-24T17:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function state(over: Partial<LadderState> = {}): LadderState {
  return { status: "open", policy: defaultPolicy(["senior-1"]), startStep: 0, baseAt: T0, fired: [], remindersSent: 0, ...over };
}

/** Drive the machine like the scheduler: at each second, fire what is due (shown or not). */
function run(s: LadderState, untilSec: number, shown = true) {
  const log: string[] = [];
  for (let t = 0; t <= untilSec; t++) {
    const p = plan(s, at(t));
    for (const a of p.due) {
      if (a.kind === "step") {
        log.push(`${t}:s${a.step}r${a.repeat}${a.early ? "e" : ""}`);
        s.fired.push({ step: a.step, repeat: a.repeat, firedAt: at(t), dueAt: a.dueAt, shown });
      } else {
        log.push(`${t}:reminder${a.n}`);
        s.remindersSent = a.n;
      }
    }
  }
  return log;
}

describe("escalation ladder", () => {
  it("fires each step at its time, and the last repeats every 5 minutes", () => {
    expect(run(state(), 45 * 60)).toEqual(["0:s0r0", "300:s1r0", "900:s2r0", "1800:s3r0", "2100:s3r1", "2400:s3r2", "2700:s3r3"]);
  });

  it("says when to look next", () => {
    const s = state();
    expect(plan(s, at(0)).due).toHaveLength(1);
    s.fired.push({ step: 0, repeat: 0, firedAt: at(0), dueAt: at(0), shown: true });
    expect(plan(s, at(1))).toEqual({ due: [], nextAt: at(300) });
  });

  it("panic and duress start at panicStartsAtStep at once", () => {
    const log = run(state({ startStep: 2 }), 30 * 60);
    expect(log).toEqual(["0:s2r0", "900:s3r0", "1200:s3r1", "1500:s3r2", "1800:s3r3"]);
  });

  it("moves on early when a step shows no notification within the receipt timeout", () => {
    const log = run(state(), 200, false);
    expect(log).toEqual(["0:s0r0", "60:s1r0e", "120:s2r0e", "180:s3r0e"]);
  });

  it("fires everything overdue at once after an outage, and only the latest repeat", () => {
    const s = state();
    const p = plan(s, at(50 * 60));
    expect(p.due.map((a) => (a.kind === "step" ? `${a.step}` : "r"))).toEqual(["0", "1", "2", "3"]);
    for (const a of p.due) if (a.kind === "step") s.fired.push({ step: a.step, repeat: a.repeat, firedAt: at(3000), dueAt: a.dueAt, shown: true });
    expect(plan(s, at(50 * 60))).toEqual({ due: [], nextAt: at(3300) });
    expect(plan(s, at(3300)).due).toEqual([{ kind: "step", step: 3, repeat: 1, dueAt: at(3300), early: false }]);
  });

  it("an acknowledged alert stops climbing and reminds the acknowledger every 30 minutes", () => {
    const s = state({ fired: [{ step: 0, repeat: 0, firedAt: at(0), shown: true } as FiredStep] });
    s.status = "acknowledged";
    s.acknowledgedAt = at(100);
    const p = plan(s, at(1000));
    expect(p).toEqual({ due: [], nextAt: at(1900) });
    expect(run(s, 100 + 3600)).toEqual(["1900:reminder1", "3700:reminder2"]);
  });

  it("a resolved alert has nothing due, ever", () => {
    expect(plan(state({ status: "resolved" }), at(99999))).toEqual({ due: [], nextAt: null });
  });

  it("uses the alert's own policy (seconds-long drills)", () => {
    const policy = { ...defaultPolicy(["s"]), steps: [{ afterSeconds: 0, notify: "worker" as const }, { afterSeconds: 3, notify: "duty_manager" as const }, { afterSeconds: 6, notify: "senior" as const }] };
    expect(run(state({ policy }), 20)).toEqual(["0:s0r0", "3:s1r0", "6:s2r0"]);
  });
});
