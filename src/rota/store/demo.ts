// What the demo rota needs beyond the rota's own use cases: approvals for AMHPs who
// have none (HR's table, written through HR's insertRecord in this transaction), and
// the first live assignment of a rota from an instant (the deliberate gap).
import { and, asc, eq, gte, isNull, lte } from "drizzle-orm";
import type { Db } from "../../db/connection.js";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { addDays } from "../../calendar/days.js";
import { amhpApprovals } from "../../hr/schema.js";
import { insertRecord } from "../../hr/store/records.js";
import { rotaAssignments } from "../schema.js";
import type { AssignmentRow } from "./tx.js";

export interface RotaDemoStore {
  /** An approval from 400 days before `from` to 4 years after it, for each AMHP with none covering [from, to]. */
  ensureApprovals(staffIds: readonly string[], from: string, to: string, actor: Actor, now: Date): Promise<void>;
  /** The rota's first live assignment starting at or after `at`. */
  firstLiveAssignmentFrom(rotaId: string, at: Date): Promise<AssignmentRow | undefined>;
}

export const rotaDemoStore = storeFor<RotaDemoStore>((db: Db) => ({
  async ensureApprovals(staffIds, from, to, actor, now) {
    writeTx(db, (tx) => {
      for (const staffId of staffIds) {
        const has = tx
          .select({ id: amhpApprovals.id })
          .from(amhpApprovals)
          .where(and(eq(amhpApprovals.staffId, staffId), lte(amhpApprovals.validFrom, from), gte(amhpApprovals.validUntil, to), isNull(amhpApprovals.voidedAt)))
          .get();
        if (has) continue;
        insertRecord(tx, "amhp-approvals", { staffId, validFrom: addDays(from, -400), validUntil: addDays(from, 4 * 365), recordedAt: now, recordedBy: "system:demo" }, actor, now);
      }
    });
  },

  async firstLiveAssignmentFrom(rotaId, at) {
    return db
      .select()
      .from(rotaAssignments)
      .where(and(eq(rotaAssignments.rotaId, rotaId), gte(rotaAssignments.start, at), isNull(rotaAssignments.cancelledAt)))
      .orderBy(asc(rotaAssignments.start))
      .limit(1)
      .get();
  },
}));
