// Supervision sessions' own table access beyond the kernel's: confirming, disputing, and the lists.
import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import type { SupervisorRef } from "../access.js";
import type { RecordRow } from "../records.js";
import { supervisions } from "../schema.js";
import { personOf, requireRecord, supervisorOf, type Person } from "./records.js";

export type SupervisionRow = typeof supervisions.$inferSelect & RecordRow;

export interface SupervisionStore {
  /**
   * Confirm a session as one party: `decide` (pure) sees the session, the supervisee and
   * the supervisor named (undefined if gone), throws to refuse, and says which party
   * confirms. 404 for an unknown session.
   */
  confirm(id: string, decide: (before: SupervisionRow, supervisee: Person, supervisor: SupervisorRef | undefined) => "supervisee" | "supervisor", actor: Actor, now: Date): Promise<SupervisionRow>;
  /**
   * Dispute a session as the party whose confirmation it awaits: `decide` (pure) as for
   * confirm, throwing to refuse. Records who, when and why; audited (action "dispute",
   * the reason in data, as a void's is). 404 for an unknown session.
   */
  dispute(id: string, reason: string, decide: (before: SupervisionRow, supervisee: Person) => "supervisee" | "supervisor", actor: Actor & { type: "staff" }, now: Date): Promise<SupervisionRow>;
  /** A person's sessions, newest first. */
  listFor(staffId: string): Promise<SupervisionRow[]>;
  /** Live, undisputed sessions waiting for this person's confirmation (as supervisee or supervisor), newest first. */
  awaiting(staffId: string): Promise<SupervisionRow[]>;
}

export const supervisionStore = storeFor<SupervisionStore>((db) => {
  const byStaff = db.select().from(supervisions).where(eq(supervisions.staffId, sql.placeholder("staffId"))).orderBy(desc(supervisions.heldOn)).prepare();
  const awaiting = db
    .select()
    .from(supervisions)
    .where(
      and(
        isNull(supervisions.voidedAt),
        isNull(supervisions.disputedAt),
        or(
          and(eq(supervisions.staffId, sql.placeholder("me")), isNull(supervisions.superviseeConfirmedAt)),
          and(eq(supervisions.supervisorId, sql.placeholder("me")), isNull(supervisions.supervisorConfirmedAt)),
        ),
      ),
    )
    .orderBy(desc(supervisions.heldOn))
    .prepare();
  return {
    async confirm(id, decide, actor, now) {
      return writeTx(db, (tx) => {
        const before = requireRecord<SupervisionRow>(tx, "supervisions", id);
        const person = personOf(tx, before.staffId)!;
        const as = decide(before, person, supervisorOf(tx, before.supervisorId));
        const field = as === "supervisee" ? "superviseeConfirmedAt" : "supervisorConfirmedAt";
        const after = tx.update(supervisions).set({ [field]: now }).where(eq(supervisions.id, id)).returning().get() as SupervisionRow;
        appendAudit(tx, actor, { action: "confirm", entity: "supervision", entityId: id, data: { as } }, now);
        return after;
      });
    },
    async dispute(id, reason, decide, actor, now) {
      return writeTx(db, (tx) => {
        const before = requireRecord<SupervisionRow>(tx, "supervisions", id);
        const as = decide(before, personOf(tx, before.staffId)!);
        const after = tx.update(supervisions).set({ disputedAt: now, disputedBy: actor.id, disputeReason: reason }).where(eq(supervisions.id, id)).returning().get() as SupervisionRow;
        appendAudit(tx, actor, { action: "dispute", entity: "supervision", entityId: id, data: { as, reason } }, now);
        return after;
      });
    },
    async listFor(staffId) {
      return byStaff.all({ staffId }) as SupervisionRow[];
    },
    async awaiting(staffId) {
      return awaiting.all({ me: staffId }) as SupervisionRow[];
    },
  };
});
