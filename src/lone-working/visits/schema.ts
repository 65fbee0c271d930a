// Tables of the visits capability. Exported through src/db/schema.ts.
import { sqliteTable, text, integer, real, index, primaryKey } from "drizzle-orm/sqlite-core";
import { id, instant } from "../../db/columns.js";
import { staff } from "../../staff/schema.js";

export const VISIT_PURPOSES = ["mha_assessment", "home_visit", "other"] as const;
export type VisitPurpose = (typeof VISIT_PURPOSES)[number];
export const VISIT_STATUSES = ["active", "completed"] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** A lone-working visit. `riskNotes` is never logged or audited in clear. */
export const visits = sqliteTable(
  "visits",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    purpose: text("purpose").$type<VisitPurpose>().notNull(),
    address: text("address").notNull(),
    lat: real("lat"),
    lng: real("lng"),
    riskNotes: text("risk_notes"),
    patientRef: text("patient_ref"),
    checkInEveryMinutes: integer("check_in_every_minutes"),
    expectedEnd: instant("expected_end").notNull(),
    status: text("status").$type<VisitStatus>().notNull(),
    startedAt: instant("started_at").notNull(),
    endedAt: instant("ended_at"),
    nextCheckInDue: instant("next_check_in_due").notNull(),
    /** The missed-check-in alert raised for the current due time; cleared by a check-in. */
    overdueAlertId: text("overdue_alert_id"),
  },
  // The sweep for missed check-ins reads (status, next_check_in_due).
  (t) => [index("visits_due_idx").on(t.status, t.nextCheckInDue), index("visits_staff_idx").on(t.staffId, t.startedAt)],
);

export const CHECK_IN_KINDS = ["start", "check_in", "extend", "check_out", "alarm"] as const;
export type CheckInKind = (typeof CHECK_IN_KINDS)[number];

/**
 * Every sign of life from the worker, append-only (triggers in db/migrate.ts).
 * The id may be made by the phone, so an offline retry cannot write twice.
 */
export const checkIns = sqliteTable(
  "check_ins",
  {
    id: text("id").primaryKey(),
    visitId: text("visit_id").notNull().references(() => visits.id),
    staffId: text("staff_id").notNull().references(() => staff.id),
    kind: text("kind").$type<CheckInKind>().notNull(),
    at: instant("at").notNull(),
    lat: real("lat"),
    lng: real("lng"),
    note: text("note"),
  },
  (t) => [index("check_ins_visit_idx").on(t.visitId, t.at)],
);

/** A phone's retry returns the first answer: the key, per person, and what was answered. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    staffId: text("staff_id").notNull().references(() => staff.id),
    key: text("key").notNull(),
    request: text("request").notNull(),
    status: integer("status").notNull(),
    body: text("body", { mode: "json" }).notNull(),
    createdAt: instant("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.key] })],
);

/** A person's duress PIN, as an Argon2id hash. */
export const duressPins = sqliteTable("duress_pins", {
  staffId: text("staff_id").primaryKey().references(() => staff.id),
  pinHash: text("pin_hash").notNull(),
  setAt: instant("set_at").notNull(),
});
