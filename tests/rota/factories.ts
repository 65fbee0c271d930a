// Rows the rota reads but does not own (HR records), inserted directly: the HR
// routes that make them are built elsewhere; the rota only reads these tables.
import type { Deps } from "../../src/deps.js";
import { amhpApprovals, leaveRecords, sicknessEpisodes, trainingRecords } from "../../src/hr/schema.js";

const recorded = (deps: Deps) => ({ recordedAt: deps.clock.now(), recordedBy: "test-factory" });

export function approval(deps: Deps, staffId: string, validFrom: string, validUntil: string, over: { voided?: boolean } = {}) {
  return deps.db
    .insert(amhpApprovals)
    .values({ staffId, validFrom, validUntil, ...recorded(deps), ...(over.voided ? { voidedAt: deps.clock.now(), voidedBy: "test", voidReason: "entered in error" } : {}) })
    .returning()
    .get();
}

export function training(deps: Deps, staffId: string, date: string, hours: number) {
  return deps.db.insert(trainingRecords).values({ staffId, date, hours, topic: "AMHP law update", ...recorded(deps) }).returning().get();
}

export function leave(deps: Deps, staffId: string, from: string, to: string, kind = "annual") {
  return deps.db.insert(leaveRecords).values({ staffId, from, to, kind, ...recorded(deps) }).returning().get();
}

export function sickness(deps: Deps, staffId: string, firstDay: string, lastDay: string | null = null) {
  return deps.db.insert(sicknessEpisodes).values({ staffId, firstDay, lastDay, cause: "infection", ...recorded(deps) }).returning().get();
}
