// Sickness episodes and return-to-work interviews: the writes that check other rows in
// the same transaction (overlapping episodes, one interview per episode), and the lists.
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { writeTx, type Tx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { Conflict } from "../../errors.js";
import type { ChangeOptions, RecordRow, Stamp } from "../records.js";
import { assertNoSicknessOverlap } from "../overlaps.js";
import { returnToWork, sicknessEpisodes } from "../schema.js";
import { insertRecord, personOf, requireRecord, updateRecord, type Person } from "./records.js";

export type SicknessRow = typeof sicknessEpisodes.$inferSelect & RecordRow;
export type RtwRow = typeof returnToWork.$inferSelect & RecordRow;

export interface SicknessChange {
  changes: Record<string, unknown>;
  opts: ChangeOptions;
  /** The episode's days after the change, checked against the person's other episodes. */
  firstDay: string;
  lastDay: string | null;
}

export interface SicknessStore {
  /** Record an episode (stamped), refused when it overlaps a live one of the same person. */
  record(values: Omit<typeof sicknessEpisodes.$inferInsert, keyof Stamp> & Stamp, actor: Actor): Promise<SicknessRow>;
  /**
   * Change an episode: `decide` (pure) sees it and its person, throws to refuse, and says
   * what to change; refused when the result overlaps another live episode. 404 for an unknown one.
   */
  change(id: string, decide: (before: SicknessRow, person: Person) => SicknessChange, actor: Actor & { type: "staff" }, now: Date): Promise<SicknessRow>;
  /** Record a return-to-work interview (stamped): 409 when the episode has a live one already. */
  addReturnToWork(values: Omit<typeof returnToWork.$inferInsert, keyof Stamp> & Stamp, actor: Actor): Promise<RtwRow>;
  /** A person's episodes newest first, and their live return-to-work interviews by day. */
  listFor(staffId: string): Promise<{ episodes: SicknessRow[]; returnsToWork: RtwRow[] }>;
}

const liveEpisodes = (tx: Tx, staffId: string) =>
  tx
    .select()
    .from(sicknessEpisodes)
    .where(and(eq(sicknessEpisodes.staffId, staffId), isNull(sicknessEpisodes.voidedAt)))
    .all();

export const sicknessStore = storeFor<SicknessStore>((db) => {
  const episodesOf = db.select().from(sicknessEpisodes).where(eq(sicknessEpisodes.staffId, sql.placeholder("staffId"))).orderBy(desc(sicknessEpisodes.firstDay)).prepare();
  const rtwsOf = db
    .select()
    .from(returnToWork)
    .where(and(eq(returnToWork.staffId, sql.placeholder("staffId")), isNull(returnToWork.voidedAt)))
    .orderBy(asc(returnToWork.heldOn))
    .prepare();
  return {
    async record(values, actor) {
      return writeTx(db, (tx) => {
        assertNoSicknessOverlap(liveEpisodes(tx, values.staffId), values.firstDay, values.lastDay ?? null);
        return insertRecord<SicknessRow>(tx, "sickness", values, actor, values.recordedAt);
      });
    },
    async change(id, decide, actor, now) {
      return writeTx(db, (tx) => {
        const before = requireRecord<SicknessRow>(tx, "sickness", id);
        const person = personOf(tx, before.staffId)!;
        const { changes, opts, firstDay, lastDay } = decide(before, person);
        assertNoSicknessOverlap(liveEpisodes(tx, before.staffId), firstDay, lastDay, id);
        return updateRecord<SicknessRow>(tx, "sickness", before, changes, opts, actor, now).row;
      });
    },
    async addReturnToWork(values, actor) {
      return writeTx(db, (tx) => {
        const existing = tx
          .select({ id: returnToWork.id })
          .from(returnToWork)
          .where(and(eq(returnToWork.sicknessId, values.sicknessId), isNull(returnToWork.voidedAt)))
          .get();
        if (existing) throw new Conflict("A return-to-work interview is already recorded for this episode (void it to replace it).");
        return insertRecord<RtwRow>(tx, "return-to-work", values, actor, values.recordedAt);
      });
    },
    async listFor(staffId) {
      return { returnsToWork: rtwsOf.all({ staffId }) as RtwRow[], episodes: episodesOf.all({ staffId }) as SicknessRow[] };
    },
  };
});
