// Signed-in browsers: only this file reads or writes sessions. A session's id is the
// SHA-256 of its cookie value (tokens.ts `digest`); callers pass the digest, never the value.
import { and, eq, lt, ne } from "drizzle-orm";
import type { CurrentUser } from "../deps.js";
import { writeTx, type Tx } from "../db/connection.js";
import { prepared } from "../db/prepared.js";
import { storeFor } from "../db/store-kit.js";
import type { Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import type { Category, Role } from "../staff/schema.js";
import { sessions } from "./schema.js";

/** lastSeenAt is written at most this often, so reads don't each cost a write. */
export const TOUCH_EVERY_MS = 60_000;

export interface SessionsStore {
  /**
   * The person behind a session, or undefined when it is unknown, its person deactivated,
   * idle for `idleMs` or past its end (such a session is deleted). Marks it seen, at most
   * every TOUCH_EVERY_MS. Every signed-in request comes through here.
   */
  session(id: string, now: Date, idleMs: number): Promise<CurrentUser | undefined>;
  /** End one session; a staff actor's ending is audited when there was one to end. */
  end(id: string, actor: Actor, now: Date): Promise<void>;
}

/** The row `session` reads, as stored (instants in ms, roles as JSON, active as 0/1). */
interface SessionRow {
  lastSeenAt: number;
  expiresAt: number;
  id: string;
  name: string;
  email: string;
  roles: string;
  teamId: string | null;
  category: Category;
  active: number;
}

export const sessionsStore = storeFor<SessionsStore>((db) => {
  // The hot path: hand-prepared SQL, compiled once per connection. drizzle's prepared
  // form of the same join measured ~45% slower per lookup (row mapping), so it stays SQL.
  // Not a write transaction: a lookup that takes the write lock on every request would
  // queue every reader behind every writer; each write here is one statement.
  const lookup = prepared(
    db,
    `SELECT s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt, p.id, p.name, p.email, p.roles, p.team_id AS teamId, p.category, p.active
       FROM sessions s JOIN staff p ON p.id = s.staff_id WHERE s.id = ?`,
  );
  const remove = prepared(db, "DELETE FROM sessions WHERE id = ?");
  const touch = prepared(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
  return {
    async session(id, now, idleMs) {
      const row = lookup.get(id) as SessionRow | undefined;
      if (!row || !row.active) return undefined;
      const t = now.getTime();
      if (t >= row.expiresAt || t >= row.lastSeenAt + idleMs) {
        remove.run(id);
        return undefined;
      }
      if (t - row.lastSeenAt > TOUCH_EVERY_MS) touch.run(t, id);
      return { id: row.id, name: row.name, email: row.email, roles: JSON.parse(row.roles) as Role[], teamId: row.teamId, category: row.category };
    },
    async end(id, actor, now) {
      writeTx(db, (tx) => {
        const res = tx.delete(sessions).where(eq(sessions.id, id)).run();
        if (res.changes > 0 && actor.type === "staff") {
          appendAudit(tx, actor, { action: "logout", entity: "staff", entityId: actor.id }, now);
        }
      });
    },
  };
});

/** For other stores, inside their write: a new session, ending the browser's old one (rotation) and any past their end. */
export function startSession(tx: Tx, s: { id: string; staffId: string; now: Date; expiresAt: Date; replaces?: string }): void {
  tx.delete(sessions).where(lt(sessions.expiresAt, s.now)).run(); // housekeeping: sessions past their end
  // Rotate: whatever session this browser had is ended, a fresh one begins.
  if (s.replaces) tx.delete(sessions).where(eq(sessions.id, s.replaces)).run();
  tx.insert(sessions).values({ id: s.id, staffId: s.staffId, createdAt: s.now, lastSeenAt: s.now, expiresAt: s.expiresAt }).run();
}

/** For other stores, inside their write: end every session of a person (password change, deactivation), but `keep` if given. */
export function endSessionsOf(tx: Tx, staffId: string, keep?: string): void {
  const where = keep === undefined ? eq(sessions.staffId, staffId) : and(eq(sessions.staffId, staffId), ne(sessions.id, keep));
  tx.delete(sessions).where(where).run();
}
