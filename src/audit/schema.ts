import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { instant } from "../db/columns.js";

/**
 * The append-only, hash-chained audit log. `hash` = SHA-256 over the previous
 * row's hash and this row's fields, so an edited, deleted or re-ordered row
 * breaks the chain. Triggers (see db/migrate.ts) refuse UPDATE and DELETE.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    /** The primary key: one row per seq, so two appenders that read the same head cannot both commit (no fork). */
    seq: integer("seq").primaryKey(),
    recordedAt: instant("recorded_at").notNull(),
    actorType: text("actor_type").$type<"staff" | "system">().notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id").notNull(),
    data: text("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    /** A write made with an API token: the token, and who made it (the actor is its holder). In the hash when set. */
    viaTokenId: text("via_token_id"),
    viaMadeBy: text("via_made_by"),
  },
  (t) => [index("audit_entity_idx").on(t.entity, t.entityId)],
);
