// The table behind each kind of HR record. KINDS is KIND_INFO (kinds.ts) with the
// table added, for the stores that read records by kind (audit replay, reports).
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { KIND_INFO, type KindInfo, type RecordKind } from "../kinds.js";
import { amhpApprovals, leaveRecords, ohReferrals, returnToWork, sicknessEpisodes, supervisions, trainingRecords } from "../schema.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyTable = SQLiteTable & { id: any; staffId: any };

const TABLES: Record<RecordKind, AnyTable> = {
  supervisions: supervisions as AnyTable,
  sickness: sicknessEpisodes as AnyTable,
  "oh-referrals": ohReferrals as AnyTable,
  "return-to-work": returnToWork as AnyTable,
  training: trainingRecords as AnyTable,
  "amhp-approvals": amhpApprovals as AnyTable,
  leave: leaveRecords as AnyTable,
};

export const KINDS = Object.fromEntries(Object.entries(KIND_INFO).map(([k, info]) => [k, { ...info, table: TABLES[k as RecordKind] }])) as Record<
  RecordKind,
  KindInfo & { table: AnyTable }
>;
