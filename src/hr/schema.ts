import { sqliteTable, text, real, index, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { id, day, instant, recordColumns } from "../db/columns.js";
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
  (t) => [index("amhp_approvals_staff_idx").on(t.staffId), index("amhp_approvals_recorded_idx").on(t.recordedAt, t.recordedBy, t.late), index("amhp_approvals_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`)],
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
  (t) => [index("training_staff_idx").on(t.staffId, t.date), index("training_date_idx").on(t.date), index("training_recorded_idx").on(t.recordedAt, t.recordedBy, t.late), index("training_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`)],
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
  (t) => [index("leave_staff_idx").on(t.staffId, t.from), index("leave_recorded_idx").on(t.recordedAt, t.recordedBy, t.late), index("leave_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`)],
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
  (t) => [
    index("sickness_staff_idx").on(t.staffId, t.firstDay),
    index("sickness_first_day_idx").on(t.firstDay),
    index("sickness_last_day_idx").on(t.lastDay),
    index("sickness_recorded_idx").on(t.recordedAt, t.recordedBy, t.late),
    index("sickness_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`),
  ],
);

export const SUPERVISION_KINDS = ["individual", "group", "reflective", "ad_hoc"] as const;

/**
 * A supervision session. Either party (or a manager/HR) records it; it counts only
 * once both the supervisee and the supervisor have confirmed it. The recorder's
 * own confirmation is taken when they are a party.
 */
export const supervisions = sqliteTable(
  "supervisions",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    supervisorId: text("supervisor_id").notNull().references(() => staff.id),
    heldOn: day("held_on").notNull(),
    kind: text("kind").notNull().default("individual"),
    durationMinutes: integer("duration_minutes"),
    superviseeConfirmedAt: instant("supervisee_confirmed_at"),
    supervisorConfirmedAt: instant("supervisor_confirmed_at"),
    /** The party whose confirmation was awaited said it did not happen as recorded: it never counts. */
    disputedAt: instant("disputed_at"),
    disputedBy: text("disputed_by"),
    disputeReason: text("dispute_reason"),
    ...recordColumns(),
  },
  (t) => [
    index("supervisions_staff_idx").on(t.staffId, t.heldOn),
    index("supervisions_supervisor_idx").on(t.supervisorId),
    index("supervisions_recorded_idx").on(t.recordedAt, t.recordedBy, t.late),
    index("supervisions_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`),
  ],
);

/** A return-to-work interview after a sickness episode. */
export const returnToWork = sqliteTable(
  "return_to_work",
  {
    id: id(),
    sicknessId: text("sickness_id").notNull().references(() => sicknessEpisodes.id),
    staffId: text("staff_id").notNull().references(() => staff.id),
    heldOn: day("held_on").notNull(),
    notes: text("notes"),
    ...recordColumns(),
  },
  (t) => [
    index("rtw_sickness_idx").on(t.sicknessId),
    index("rtw_staff_idx").on(t.staffId),
    index("rtw_held_idx").on(t.heldOn),
    index("rtw_recorded_idx").on(t.recordedAt, t.recordedBy, t.late),
    index("rtw_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`),
  ],
);

/** An Occupational Health referral, optionally tied to the sickness episode behind it. */
export const ohReferrals = sqliteTable(
  "oh_referrals",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    sicknessId: text("sickness_id").references(() => sicknessEpisodes.id),
    referredOn: day("referred_on").notNull(),
    /** Why: confidential, shown to HR and admin only. */
    reason: text("reason").notNull(),
    appointmentOn: day("appointment_on"),
    reportReceivedOn: day("report_received_on"),
    outcome: text("outcome"),
    ...recordColumns(),
  },
  (t) => [
    index("oh_staff_idx").on(t.staffId, t.referredOn),
    index("oh_sickness_idx").on(t.sicknessId),
    index("oh_referred_idx").on(t.referredOn),
    index("oh_recorded_idx").on(t.recordedAt, t.recordedBy, t.late),
    index("oh_voided_idx").on(t.voidedAt).where(sql`voided_at IS NOT NULL`),
  ],
);

/**
 * Append-only history of HR records: before a correction changes a record, its
 * previous version is kept here with who changed it, when and why. The database
 * refuses UPDATE and DELETE on this table (src/db/migrate.ts ensureAppendOnly).
 */
export const recordVersions = sqliteTable(
  "record_versions",
  {
    id: id(),
    /** The API kind: supervisions, sickness, oh-referrals, return-to-work, training, amhp-approvals, leave. */
    kind: text("kind").notNull(),
    recordId: text("record_id").notNull(),
    /** The version number the row had before this change. */
    version: integer("version").notNull(),
    /** JSON of the whole record as it was. */
    data: text("data").notNull(),
    changedAt: instant("changed_at").notNull(),
    changedBy: text("changed_by").notNull(),
    /** True when a value already set was changed (needs a reason); false when a blank was filled in. */
    correction: integer("correction", { mode: "boolean" }).notNull(),
    reason: text("reason"),
    /** True when this change moved the effective date back into a late entry (its reason is on the record). */
    late: integer("late", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [uniqueIndex("record_versions_unique").on(t.kind, t.recordId, t.version), index("record_versions_changed_idx").on(t.changedAt)],
);
