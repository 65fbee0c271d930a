import { sqliteTable, text, index, integer, primaryKey } from "drizzle-orm/sqlite-core";
import { id, instant } from "../db/columns.js";
import { staff } from "../staff/schema.js";

/** A signed-in browser. The id is the SHA-256 of the cookie value, never the value. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    createdAt: instant("created_at").notNull(),
    lastSeenAt: instant("last_seen_at").notNull(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [index("sessions_staff_idx").on(t.staffId)],
);

/** Bearer tokens for scripts; only the SHA-256 is kept. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    name: text("name").notNull(),
    createdAt: instant("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    revokedAt: instant("revoked_at"),
    /** Refused from this instant on (90 days by default). Tokens made before expiry existed got created + 90 days. */
    expiresAt: instant("expires_at"),
    /** A read-only token may only GET (HEAD, OPTIONS). */
    readOnly: integer("read_only", { mode: "boolean" }).notNull().default(false),
  },
);

/**
 * Sign-in attempts not known to have succeeded, for the throttle (auth/throttle.ts). A row
 * is written before the password is checked and deleted when it proves right.
 */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: id(),
    email: text("email").notNull(),
    address: text("address").notNull(),
    at: instant("at").notNull(),
  },
  (t) => [index("login_failures_email_idx").on(t.email, t.at), index("login_failures_address_idx").on(t.address, t.at)],
);

/**
 * Addresses (throttle keys, auth/addresses.ts) each account signed in from with the right
 * password, for the throttle: failures made elsewhere never slow a known address
 * (auth/throttle.ts). Renewed at each sign-in, forgotten after KNOWN_ADDRESS_DAYS.
 */
export const signInAddresses = sqliteTable(
  "sign_in_addresses",
  {
    email: text("email").notNull(),
    address: text("address").notNull(),
    lastAt: instant("last_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.email, t.address] }), index("sign_in_addresses_last_idx").on(t.lastAt)],
);
