// Demo lone-working data: the escalation policy with the cast's senior managers,
// and a couple of finished visits (one with a missed check-in that was handled).
import type { Deps } from "../../deps.js";
import type { DemoCast } from "../../demo/cast.js";
import { type Actor } from "../../audit/chain.js";
import { escalationStore } from "../escalation/store.js";
import { defaultPolicy } from "../escalation/policy.js";
import { visitsStore } from "../visits/store.js";

const actor: Actor = { type: "system", job: "demo" };

export async function seedLoneWorking(deps: Deps, cast: DemoCast): Promise<void> {
  const now = deps.clock.now();
  const policy = defaultPolicy(cast.seniorManagers.map((p) => p.id));
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  await escalationStore(deps.db).seedPolicy(policy, actor, now);
  const people = [cast.amhps[0], cast.amhps[1] ?? cast.amhps[0]].filter((p) => p !== undefined);
  for (const [i, p] of people.entries()) {
    const start = ago(26 * 60 + i * 180);
    const end = new Date(start.getTime() + 90 * 60_000);
    const endedAt = new Date(end.getTime() - 5 * 60_000);
    const manager = cast.managers[0];
    // A missed check-in, acknowledged in 35 s by the duty manager and resolved.
    const due = new Date(start.getTime() + 60 * 60_000);
    await visitsStore(deps.db).seedDemo(
      actor,
      {
        visit: {
          staffId: p.id,
          purpose: i === 0 ? "mha_assessment" : "home_visit",
          address: i === 0 ? "14 Cardigan Road, Leeds LS6" : "Flat 3, 22 Harehills Lane, Leeds LS8",
          lat: null,
          lng: null,
          riskNotes: null,
          patientRef: i === 0 ? "MOS-204117" : "MOS-198342",
          checkInEveryMinutes: 30,
          expectedEnd: end,
          status: "completed",
          startedAt: start,
          endedAt,
          nextCheckInDue: end,
        },
        checkIns: [
          { kind: "start", at: start },
          { kind: "check_in", at: new Date(start.getTime() + 30 * 60_000) },
          { kind: "check_out", at: endedAt },
        ],
        alert:
          i === 1 && manager
            ? (visitId) => ({
                triggerKey: `missed:${visitId}:${due.getTime()}`,
                visitId,
                staffId: p.id,
                reason: "missed_check_in",
                status: "resolved",
                policy,
                startStep: 0,
                baseAt: due,
                raisedAt: due,
                step: 1,
                managersToldAt: new Date(due.getTime() + 5 * 60_000),
                acknowledgedAt: new Date(due.getTime() + 5 * 60_000 + 35_000),
                acknowledgedBy: manager.id,
                resolvedAt: new Date(due.getTime() + 12 * 60_000),
                resolvedBy: manager.id,
                outcome: "phoned worker: safe, no signal in the flats",
              })
            : undefined,
      },
      now,
    );
  }
}
