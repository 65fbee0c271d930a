import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, day, instant } from "../db/columns.js";
import { staff } from "../staff/schema.js";

// Tables of the rota capability. Exported through src/db/schema.ts.
// Nothing here is deleted: assignments are cancelled with a reason, swaps end in a
// status, calendar tokens are replaced.

export const ROTA_KINDS = ["amhp_duty", "manager_cover"] as const;
export type RotaKind = (typeof ROTA_KINDS)[number];

export const rotas = sqliteTable("rotas", {
  id: id(),
  name: text("name").notNull(),
  kind: text("kind").$type<RotaKind>().notNull(),
  requiredStaff: integer("required_staff").notNull().default(1),
  createdAt: instant("created_at").notNull(),
  createdBy: text("created_by").notNull(),
});

/**
 * A recurring shift: an RRULE expanded over local days from `startsOn`, each
 * occurrence starting at `startTime` local and lasting `durationMinutes` of local
 * wall-clock time (so 17:00 + 16 h ends 09:00 local even across a clock change).
 */
export const rotaPatterns = sqliteTable(
  "rota_patterns",
  {
    id: id(),
    rotaId: text("rota_id").notNull().references(() => rotas.id),
    rrule: text("rrule").notNull(),
    startTime: text("start_time").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    label: text("label"),
    startsOn: day("starts_on").notNull(),
    endsOn: day("ends_on"),
    /** Drop occurrences that fall on a bank holiday. */
    skipBankHolidays: integer("skip_bank_holidays", { mode: "boolean" }).notNull().default(false),
    /** Add an occurrence on every bank holiday the rule does not already hit. */
    addBankHolidays: integer("add_bank_holidays", { mode: "boolean" }).notNull().default(false),
    createdAt: instant("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [index("rota_patterns_rota_idx").on(t.rotaId)],
);

export const ASSIGNMENT_SOURCES = ["manual", "rotation", "swap"] as const;
export type AssignmentSource = (typeof ASSIGNMENT_SOURCES)[number];

export const rotaAssignments = sqliteTable(
  "rota_assignments",
  {
    id: id(),
    rotaId: text("rota_id").notNull().references(() => rotas.id),
    staffId: text("staff_id").notNull().references(() => staff.id),
    start: instant("start_at").notNull(),
    end: instant("end_at").notNull(),
    source: text("source").$type<AssignmentSource>().notNull(),
    createdAt: instant("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    cancelledAt: instant("cancelled_at"),
    cancelledBy: text("cancelled_by"),
    cancelReason: text("cancel_reason"),
  },
  (t) => [
    index("rota_assignments_staff_start_idx").on(t.staffId, t.start),
    index("rota_assignments_start_end_idx").on(t.start, t.end),
    index("rota_assignments_rota_start_idx").on(t.rotaId, t.start),
  ],
);

export const SWAP_STATUSES = ["offered", "accepted", "approved"] as const;
export type SwapStatus = (typeof SWAP_STATUSES)[number];

/** A shift handed from one person to another: offered, accepted by the receiver, approved by a manager. */
export const rotaSwaps = sqliteTable(
  "rota_swaps",
  {
    id: id(),
    assignmentId: text("assignment_id").notNull().references(() => rotaAssignments.id),
    fromStaffId: text("from_staff_id").notNull().references(() => staff.id),
    toStaffId: text("to_staff_id").notNull().references(() => staff.id),
    status: text("status").$type<SwapStatus>().notNull(),
    offeredAt: instant("offered_at").notNull(),
    offeredBy: text("offered_by").notNull(),
    acceptedAt: instant("accepted_at"),
    approvedAt: instant("approved_at"),
    approvedBy: text("approved_by"),
    newAssignmentId: text("new_assignment_id"),
  },
  (t) => [index("rota_swaps_assignment_idx").on(t.assignmentId)],
);

/** One live calendar-feed token per person; only its digest is stored. Issuing a new one revokes the old. */
export const calendarTokens = sqliteTable(
  "calendar_tokens",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    tokenHash: text("token_hash").notNull(),
    createdAt: instant("created_at").notNull(),
  },
  (t) => [uniqueIndex("calendar_tokens_staff_unique").on(t.staffId), uniqueIndex("calendar_tokens_hash_unique").on(t.tokenHash)],
);
