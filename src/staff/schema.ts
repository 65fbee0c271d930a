import { sqliteTable, text, real, index, uniqueIndex, integer } from "drizzle-orm/sqlite-core";
import { id, instant, day } from "../db/columns.js";

export const ROLES = ["amhp", "social_worker", "manager", "senior_manager", "hr", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const CATEGORIES = ["asye", "qualified", "manager", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

export const teams = sqliteTable("teams", {
  id: id(),
  name: text("name").notNull().unique(),
  createdAt: instant("created_at").notNull(),
});

export const staff = sqliteTable(
  "staff",
  {
    id: id(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    /** JSON array of roles; a person may hold several. */
    roles: text("roles", { mode: "json" }).$type<Role[]>().notNull(),
    teamId: text("team_id").references(() => teams.id),
    category: text("category").$type<Category>().notNull().default("qualified"),
    startDate: day("start_date"),
    /** Full-time equivalent, 1 = full time; sickness triggers are pro rata. */
    fte: real("fte").notNull().default(1),
    /** A UK mobile as E.164 (`+447700900123`), for text messages and the alarm card; null when not given. */
    mobile: text("mobile"),
    passwordHash: text("password_hash"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: instant("created_at").notNull(),
  },
  (t) => [uniqueIndex("staff_email_unique").on(t.email), index("staff_team_idx").on(t.teamId)],
);

export type StaffRow = typeof staff.$inferSelect;
