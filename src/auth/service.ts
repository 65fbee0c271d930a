import { and, desc, eq, gte, lt, ne } from "drizzle-orm";
import type { Deps, CurrentUser } from "../deps.js";
import { writeTx } from "../db/connection.js";
import { staff, type Category, type Role, type StaffRow } from "../staff/schema.js";
import { prepared } from "../db/prepared.js";
import { apiTokens, loginFailures, sessions } from "./schema.js";
import { checkPassword, hashPassword } from "./password.js";
import { digest, newSecret } from "./tokens.js";
import { NotFound, RateLimited, RuleViolation, Unauthenticated } from "../errors.js";
import { appendAudit, type Actor } from "../audit/chain.js";

/** The 11th failure in 15 minutes, for one account or one address, is refused. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_MAX_FAILURES = 10;
/** lastSeenAt is written at most this often, so reads don't each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export function toCurrentUser(s: StaffRow): CurrentUser {
  return { id: s.id, name: s.name, email: s.email, roles: s.roles, teamId: s.teamId, category: s.category };
}

/** Refuse (429) when one account or one address has had too many recent failures. */
function assertNotLimited(deps: Deps, email: string, address: string): void {
  const { db, clock } = deps;
  const since = new Date(clock.now().getTime() - LOGIN_WINDOW_MS);
  // The window slides: the caller may try again once the oldest failure counted leaves it.
  const retryAfter = (where: ReturnType<typeof eq>): number | undefined => {
    const rows = db
      .select({ at: loginFailures.at })
      .from(loginFailures)
      .where(and(where, gte(loginFailures.at, since)))
      .orderBy(desc(loginFailures.at))
      .limit(LOGIN_MAX_FAILURES)
      .all();
    if (rows.length < LOGIN_MAX_FAILURES) return undefined;
    const oldest = rows[rows.length - 1]!.at.getTime();
    return Math.max(1, Math.ceil((oldest + LOGIN_WINDOW_MS - clock.now().getTime()) / 1000));
  };
  const wait = Math.max(retryAfter(eq(loginFailures.email, email)) ?? 0, retryAfter(eq(loginFailures.address, address)) ?? 0);
  if (wait > 0) {
    throw new RateLimited(`Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minutes, or ask an admin to set a new password.`, wait);
  }
}

export async function login(deps: Deps, email: string, password: string, address: string, oldSessionToken?: string) {
  const { db, clock } = deps;
  const normalised = email.trim().toLowerCase();
  const since = new Date(clock.now().getTime() - LOGIN_WINDOW_MS);
  assertNotLimited(deps, normalised, address);
  const person = db.select().from(staff).where(eq(staff.email, normalised)).get();
  const ok = await checkPassword(person?.active ? person.passwordHash : undefined, password);
  const now = clock.now();
  // Housekeeping: failures that no longer count and sessions past their end.
  db.delete(loginFailures).where(lt(loginFailures.at, since)).run();
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  if (!ok || !person) {
    db.insert(loginFailures).values({ email: normalised, address, at: now }).run();
    throw new Unauthenticated("Wrong email or password.");
  }
  const token = newSecret();
  writeTx(db, (tx) => {
    // Rotate: whatever session this browser had is ended, a fresh one begins.
    if (oldSessionToken) tx.delete(sessions).where(eq(sessions.id, digest(oldSessionToken))).run();
    tx.insert(sessions)
      .values({
        id: digest(token),
        staffId: person.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + deps.config.SESSION_ABSOLUTE_HOURS * 3_600_000),
      })
      .run();
    appendAudit(tx, { type: "staff", id: person.id }, { action: "login", entity: "staff", entityId: person.id }, now);
  });
  return { token, user: toCurrentUser(person) };
}

/**
 * A person changes their own password. The current one is checked (and a wrong one
 * counts towards the sign-in limit, so a borrowed session cannot guess it); every
 * other session of theirs ends, the one in use stays.
 */
export async function changeOwnPassword(deps: Deps, user: CurrentUser, current: string, next: string, address: string, keepSessionToken?: string) {
  assertNotLimited(deps, user.email, address);
  const row = deps.db.select().from(staff).where(eq(staff.id, user.id)).get();
  if (!(await checkPassword(row?.passwordHash, current))) {
    deps.db.insert(loginFailures).values({ email: user.email, address, at: deps.clock.now() }).run();
    throw new RuleViolation("The current password is wrong.", [{ path: "currentPassword", message: "wrong password" }]);
  }
  const passwordHash = await hashPassword(next);
  const now = deps.clock.now();
  const keep = keepSessionToken ? digest(keepSessionToken) : "";
  writeTx(deps.db, (tx) => {
    tx.update(staff).set({ passwordHash }).where(eq(staff.id, user.id)).run();
    tx.delete(sessions).where(and(eq(sessions.staffId, user.id), ne(sessions.id, keep))).run();
    appendAudit(tx, { type: "staff", id: user.id }, { action: "change_own_password", entity: "staff", entityId: user.id }, now);
  });
}

export function logout(deps: Deps, token: string, actor: Actor) {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    const res = tx.delete(sessions).where(eq(sessions.id, digest(token))).run();
    if (res.changes > 0 && actor.type === "staff") {
      appendAudit(tx, actor, { action: "logout", entity: "staff", entityId: actor.id }, now);
    }
  });
}

/** The person behind a session cookie, or undefined when it is unknown, idle too long or past its end. */
export function userFromSession(deps: Deps, token: string): CurrentUser | undefined {
  const { db, clock, config } = deps;
  const now = clock.now();
  const id = digest(token);
  // Every signed-in request comes through here: statements prepared once per connection.
  const row = prepared(
    db,
    `SELECT s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt, p.id, p.name, p.email, p.roles, p.team_id AS teamId, p.category, p.active
       FROM sessions s JOIN staff p ON p.id = s.staff_id WHERE s.id = ?`,
  ).get(id) as SessionRow | undefined;
  if (!row || !row.active) return undefined;
  const idleLimit = row.lastSeenAt + config.SESSION_IDLE_MINUTES * 60_000;
  if (now.getTime() >= row.expiresAt || now.getTime() >= idleLimit) {
    prepared(db, "DELETE FROM sessions WHERE id = ?").run(id);
    return undefined;
  }
  if (now.getTime() - row.lastSeenAt > TOUCH_EVERY_MS) {
    prepared(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?").run(now.getTime(), id);
  }
  return { id: row.id, name: row.name, email: row.email, roles: JSON.parse(row.roles) as Role[], teamId: row.teamId, category: row.category };
}

/** The row userFromSession reads, as stored (instants in ms, roles as JSON, active as 0/1). */
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

export function userFromApiToken(deps: Deps, token: string): CurrentUser | undefined {
  const row = deps.db
    .select({ t: apiTokens, p: staff })
    .from(apiTokens)
    .innerJoin(staff, eq(staff.id, apiTokens.staffId))
    .where(eq(apiTokens.tokenHash, digest(token)))
    .get();
  if (!row || row.t.revokedAt || !row.p.active) return undefined;
  return toCurrentUser(row.p);
}

export function listApiTokens(deps: Deps) {
  return deps.db
    .select({ id: apiTokens.id, staffId: apiTokens.staffId, name: apiTokens.name, createdAt: apiTokens.createdAt, createdBy: apiTokens.createdBy, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .orderBy(desc(apiTokens.createdAt))
    .all();
}

/** Revoke a token: it stops working at once; the row stays as a record. */
export function revokeApiToken(deps: Deps, actor: Actor, id: string): void {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    const row = tx.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
    if (!row) throw new NotFound("API token");
    if (row.revokedAt) return;
    tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).run();
    appendAudit(tx, actor, { action: "revoke", entity: "api_token", entityId: id, data: { staffId: row.staffId, name: row.name } }, now);
  });
}

export function createApiToken(deps: Deps, actor: Actor, staffId: string, name: string) {
  const token = newSecret();
  const now = deps.clock.now();
  const id = writeTx(deps.db, (tx) => {
    const row = tx.insert(apiTokens).values({ tokenHash: digest(token), staffId, name, createdAt: now, createdBy: actor.type === "staff" ? actor.id : actor.job }).returning({ id: apiTokens.id }).get();
    appendAudit(tx, actor, { action: "create", entity: "api_token", entityId: row.id, data: { staffId, name } }, now);
    return row.id;
  });
  return { id, token };
}

/** End every session of a person (password change, deactivation). */
export function endAllSessions(deps: Deps, staffId: string) {
  deps.db.delete(sessions).where(eq(sessions.staffId, staffId)).run();
}
