// Shift swaps: each step one transaction that reads the swap (and the shift) it moves
// on, checks them and writes, so two steps racing cannot both pass the same check.
import { and, desc, eq, inArray, or } from "drizzle-orm";
import type { Db } from "../../db/connection.js";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { Conflict, Forbidden, NotFound, RuleViolation } from "../../errors.js";
import { staff } from "../../staff/schema.js";
import { rotaAssignments, rotaSwaps, type SwapStatus } from "../schema.js";
import type { Warning } from "../rules/working-time.js";
import { getRota, insertAssignment, vetAssignment } from "./tx.js";

export type SwapRow = typeof rotaSwaps.$inferSelect;
export type SwapListed = SwapRow & { start: Date; end: Date; rotaId: string };
type StaffActor = Actor & { type: "staff" };

export interface SwapStore {
  /** Offer an assignment to someone; only its holder, or a coordinator (`canManage`), sees it. */
  offer(input: { assignmentId: string; toStaffId: string }, canManage: boolean, actor: StaffActor, now: Date): Promise<SwapRow>;
  /** The receiver accepts. */
  accept(swapId: string, actor: StaffActor, now: Date): Promise<SwapRow>;
  /** A coordinator approves: the old assignment is cancelled and the receiver gets a new one, after the same checks as an assignment. */
  approve(swapId: string, tz: string, actor: StaffActor, now: Date): Promise<SwapRow & { warnings: Warning[] }>;
  /** Swaps the viewer is party to (all of them when `canManage`), newest first, at most 500. */
  list(viewerId: string, canManage: boolean, status?: SwapStatus): Promise<SwapListed[]>;
}

export const swapStore = storeFor<SwapStore>((db: Db) => ({
  async offer(input, canManage, actor, now) {
    return writeTx(db, (tx) => {
      const a = tx.select().from(rotaAssignments).where(eq(rotaAssignments.id, input.assignmentId)).get();
      // Someone else's shift is not theirs to see, unless they coordinate the rota.
      if (!a || (a.staffId !== actor.id && !canManage)) throw new NotFound("assignment");
      if (a.cancelledAt) throw new RuleViolation("This assignment is cancelled.");
      if (a.end <= now) throw new RuleViolation("This shift is over.");
      if (input.toStaffId === a.staffId) throw new RuleViolation("A swap must go to someone else.", [{ path: "toStaffId", message: "is the shift's holder" }]);
      if (!tx.select({ id: staff.id }).from(staff).where(eq(staff.id, input.toStaffId)).get()) throw new NotFound("staff member");
      const pending = tx
        .select({ id: rotaSwaps.id })
        .from(rotaSwaps)
        .where(and(eq(rotaSwaps.assignmentId, a.id), inArray(rotaSwaps.status, ["offered", "accepted"])))
        .get();
      if (pending) throw new Conflict("This shift is already offered in another swap.");
      const row = tx
        .insert(rotaSwaps)
        .values({ assignmentId: a.id, fromStaffId: a.staffId, toStaffId: input.toStaffId, status: "offered", offeredAt: now, offeredBy: actor.id })
        .returning()
        .get();
      appendAudit(tx, actor, { action: "offer", entity: "rota_swap", entityId: row.id, data: row }, now);
      return row;
    });
  },

  async accept(swapId, actor, now) {
    return writeTx(db, (tx) => {
      const s = tx.select().from(rotaSwaps).where(eq(rotaSwaps.id, swapId)).get();
      if (!s || (s.toStaffId !== actor.id && s.fromStaffId !== actor.id)) throw new NotFound("swap");
      if (s.toStaffId !== actor.id) throw new Forbidden("Only the person receiving the shift may accept it.");
      if (s.status !== "offered") throw new Conflict(`This swap is already ${s.status}.`);
      const row = tx.update(rotaSwaps).set({ status: "accepted", acceptedAt: now }).where(eq(rotaSwaps.id, swapId)).returning().get();
      appendAudit(tx, actor, { action: "accept", entity: "rota_swap", entityId: swapId, data: {} }, now);
      return row;
    });
  },

  async approve(swapId, tz, actor, now) {
    return writeTx(db, (tx) => {
      const s = tx.select().from(rotaSwaps).where(eq(rotaSwaps.id, swapId)).get();
      if (!s) throw new NotFound("swap");
      if (s.status === "offered") throw new Conflict("The receiver has not accepted this swap yet.");
      if (s.status !== "accepted") throw new Conflict(`This swap is already ${s.status}.`);
      const a = tx.select().from(rotaAssignments).where(eq(rotaAssignments.id, s.assignmentId)).get()!;
      if (a.cancelledAt) throw new RuleViolation("The shift offered has been cancelled since.");
      const rota = getRota(tx, a.rotaId);
      const warnings = vetAssignment(tx, rota, s.toStaffId, a, tz, a.id);
      tx.update(rotaAssignments)
        .set({ cancelledAt: now, cancelledBy: actor.id, cancelReason: `swapped (swap ${s.id})` })
        .where(eq(rotaAssignments.id, a.id))
        .run();
      appendAudit(tx, actor, { action: "cancel", entity: "rota_assignment", entityId: a.id, data: { reason: "swap", swapId: s.id } }, now);
      const created = insertAssignment(tx, actor, a.rotaId, s.toStaffId, a, "swap", now, { swapId: s.id, warnings });
      const row = tx
        .update(rotaSwaps)
        .set({ status: "approved", approvedAt: now, approvedBy: actor.id, newAssignmentId: created.id })
        .where(eq(rotaSwaps.id, swapId))
        .returning()
        .get();
      appendAudit(tx, actor, { action: "approve", entity: "rota_swap", entityId: swapId, data: { newAssignmentId: created.id } }, now);
      return { ...row, warnings };
    });
  },

  async list(viewerId, canManage, status) {
    const conds = [];
    if (!canManage) conds.push(or(eq(rotaSwaps.fromStaffId, viewerId), eq(rotaSwaps.toStaffId, viewerId)));
    if (status) conds.push(eq(rotaSwaps.status, status));
    return db
      .select({ swap: rotaSwaps, start: rotaAssignments.start, end: rotaAssignments.end, rotaId: rotaAssignments.rotaId })
      .from(rotaSwaps)
      .innerJoin(rotaAssignments, eq(rotaAssignments.id, rotaSwaps.assignmentId))
      .where(and(...conds))
      .orderBy(desc(rotaSwaps.offeredAt))
      .limit(500)
      .all()
      .map((r) => ({ ...r.swap, start: r.start, end: r.end, rotaId: r.rotaId }));
  },
}));
