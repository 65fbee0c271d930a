// AMHP approvals, training and leave beyond the kernel's writes: leave refused when it
// overlaps (checked in the same transaction), and a person's lists.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import type { RecordRow, Stamp } from "../records.js";
import { assertNoLeaveOverlap } from "../overlaps.js";
import { amhpApprovals, leaveRecords, trainingRecords } from "../schema.js";
import { insertRecord } from "./records.js";

export type LeaveRow = typeof leaveRecords.$inferSelect & RecordRow;

export interface StaffRecordsStore {
  /** Record leave (stamped), refused when it overlaps other live leave of the same person. */
  addLeave(values: Omit<typeof leaveRecords.$inferInsert, keyof Stamp> & Stamp, actor: Actor): Promise<LeaveRow>;
  /** Approvals, training and leave of one person, each oldest first (void ones included). */
  listFor(staffId: string): Promise<{
    approvals: (typeof amhpApprovals.$inferSelect)[];
    training: (typeof trainingRecords.$inferSelect)[];
    leave: (typeof leaveRecords.$inferSelect)[];
  }>;
}

export const staffRecordsStore = storeFor<StaffRecordsStore>((db) => {
  const approvals = db.select().from(amhpApprovals).where(eq(amhpApprovals.staffId, sql.placeholder("staffId"))).orderBy(asc(amhpApprovals.validFrom)).prepare();
  const training = db.select().from(trainingRecords).where(eq(trainingRecords.staffId, sql.placeholder("staffId"))).orderBy(asc(trainingRecords.date)).prepare();
  const leave = db.select().from(leaveRecords).where(eq(leaveRecords.staffId, sql.placeholder("staffId"))).orderBy(asc(leaveRecords.from)).prepare();
  return {
    async addLeave(values, actor) {
      return writeTx(db, (tx) => {
        const live = tx
          .select({ id: leaveRecords.id, from: leaveRecords.from, to: leaveRecords.to })
          .from(leaveRecords)
          .where(and(eq(leaveRecords.staffId, values.staffId), isNull(leaveRecords.voidedAt)))
          .all();
        assertNoLeaveOverlap(live, values.from, values.to);
        return insertRecord<LeaveRow>(tx, "leave", values, actor, values.recordedAt);
      });
    },
    async listFor(staffId) {
      return { approvals: approvals.all({ staffId }), training: training.all({ staffId }), leave: leave.all({ staffId }) };
    },
  };
});
