// Demo lone-working data: the escalation policy with the cast's senior managers,
// and a couple of finished visits (one with a missed check-in that was handled).
import type { Deps } from "../../deps.js";
import type { DemoCast } from "../../demo/cast.js";
import { writeTx } from "../../db/connection.js";
import { type Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { checkIns, visits } from "../visits/schema.js";
import { alerts } from "./schema.js";
import { defaultPolicy, savePolicy } from "../escalation/policy.js";

const actor: Actor = { type: "system", job: "demo" };

export async function seedLoneWorking(deps: Deps, cast: DemoCast): Promise<void> {
  const now = deps.clock.now();
  const policy = defaultPolicy(cast.seniorManagers.map((p) => p.id));
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  writeTx(deps.db, (tx) => {
    savePolicy(tx, policy, now);
    appendAudit(tx, actor, { action: "update", entity: "escalation_policy", entityId: "escalation_policy", data: policy }, now);
    const people = [cast.amhps[0], cast.amhps[1] ?? cast.amhps[0]].filter((p) => p !== undefined);
    people.forEach((p, i) => {
      const start = ago(26 * 60 + i * 180);
      const end = new Date(start.getTime() + 90 * 60_000);
      const v = tx
        .insert(visits)
        .values({
          staffId: p.id,
          purpose: i === 0 ? "mha_assessment" : "home_visit",
          address: i === 0 ? "14 Cardigan Road, Leeds LS6" : "Flat 3, 22 Harehills Lane, Leeds LS8",
          patientRef: i === 0 ? "MOS-204117" : "MOS-198342",
          checkInEveryMinutes: 30,
          expectedEnd: end,
          status: "completed",
          startedAt: start,
          endedAt: new Date(end.getTime() - 5 * 60_000),
          nextCheckInDue: end,
        })
        .returning()
        .get();
      tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: p.id, kind: "start", at: start }).run();
      tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: p.id, kind: "check_in", at: new Date(start.getTime() + 30 * 60_000) }).run();
      if (i === 1 && cast.managers[0]) {
        // A missed check-in, acknowledged in 35 s by the duty manager and resolved.
        const due = new Date(start.getTime() + 60 * 60_000);
        const a = tx
          .insert(alerts)
          .values({
            triggerKey: `missed:${v.id}:${due.getTime()}`,
            visitId: v.id,
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
            acknowledgedBy: cast.managers[0].id,
            resolvedAt: new Date(due.getTime() + 12 * 60_000),
            resolvedBy: cast.managers[0].id,
            outcome: "phoned worker: safe, no signal in the flats",
          })
          .returning()
          .get();
        appendAudit(tx, actor, { action: "raise", entity: "alert", entityId: a.id, data: { reason: a.reason, visitId: v.id } }, now);
      }
      tx.insert(checkIns).values({ id: crypto.randomUUID(), visitId: v.id, staffId: p.id, kind: "check_out", at: v.endedAt! }).run();
      appendAudit(tx, actor, { action: "start", entity: "visit", entityId: v.id, data: { purpose: v.purpose, demo: true } }, now);
    });
  });
}
