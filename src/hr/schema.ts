import { sqliteTable, text, real, index } from "drizzle-orm/sqlite-core";
import { id, day, recordColumns } from "../db/columns.js";
import { staff } from "../staff/schema.js";

// HR records. Each carries recordColumns(): never deleted, voided with a reason,
// corrected by a new version (the old one kept in record_versions).
// The rota reads approvals, leave and sickness for eligibility and conflicts.

export const amhpApprovals = sqliteTable(
  "amhp_approvals",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    validFrom: day("valid_from").notNull(),
    validUntil: day("valid_until").notNull(),
    ...recordColumns(),
  },
  (t) => [index("amhp_approvals_staff_idx").on(t.staffId)],
);

export const trainingRecords = sqliteTable(
  "training_records",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    date: day("date").notNull(),
    hours: real("hours").notNull(),
    topic: text("topic").notNull(),
    ...recordColumns(),
  },
  (t) => [index("training_staff_idx").on(t.staffId, t.date)],
);

export const LEAVE_KINDS = ["annual", "study", "toil", "parental", "compassionate", "unpaid", "other"] as const;

export const leaveRecords = sqliteTable(
  "leave_records",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    from: day("from_day").notNull(),
    to: day("to_day").notNull(),
    kind: text("kind").notNull(),
    ...recordColumns(),
  },
  (t) => [index("leave_staff_idx").on(t.staffId, t.from)],
);

export const SICKNESS_CAUSES = [
  "stress_anxiety_depression",
  "musculoskeletal",
  "infection",
  "injury",
  "surgery",
  "other",
] as const;
export type SicknessCause = (typeof SICKNESS_CAUSES)[number];

export const sicknessEpisodes = sqliteTable(
  "sickness_episodes",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    firstDay: day("first_day").notNull(),
    /** Null while the person is still absent. */
    lastDay: day("last_day"),
    cause: text("cause").$type<SicknessCause>().notNull(),
    ...recordColumns(),
  },
  (t) => [index("sickness_staff_idx").on(t.staffId, t.firstDay)],
);
