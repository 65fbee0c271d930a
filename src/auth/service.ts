import { and, desc, eq, gte, lt, ne, sql, type SQL } from "drizzle-orm";
import type { Deps, CurrentUser } from "../deps.js";
import { writeTx, type Tx } from "../db/connection.js";
import { staff, type Category, type Role, type StaffRow } from "../staff/schema.js";
import { prepared } from "../db/prepared.js";
import { apiTokens, loginFailures, sessions, signInAddresses } from "./schema.js";
import { assertPasswordAllowed, checkPassword, hashPassword } from "./password.js";
import { digest, newSecret } from "./tokens.js";
import { InvalidInput, NotFound, RateLimited, RuleViolation, Unauthenticated } from "../errors.js";
import { type Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import type { Via } from "../audit/via.js";
import { throttleKey } from "./addresses.js";
import { ACCOUNT_RULE, ADDRESS_RULE, KNOWN_ADDRESS_DAYS, LONGEST_WINDOW_MS, PAIR_RULE, throttleFor, type Counted, type Throttled } from "./throttle.js";

/** lastSeenAt is written at most this often, so reads don't each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export function toCurrentUser(s: StaffRow): CurrentUser {
  return { id: s.id, name: s.name, email: s.email, roles: s.roles, teamId: s.teamId, category: s.category };
}

function inWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

function refusal(t: Throttled): RateLimited {
  const seconds = Math.max(1, Math.ceil(t.retryAfterMs / 1000));
  const wait = inWords(seconds);
  const text = {
    pair: `Too many wrong passwords for this account from here. Try again in ${wait}, or ask an admin to unlock the account.`,
    account: `Too many wrong passwords for this account. Try again in ${wait}, or ask an admin to unlock the account.`,
    address: `Too many failed sign-ins from your network. Try again in ${wait}.`,
  }[t.scope];
  return new RateLimited(text, seconds);
}

/**
 * Count a sign-in attempt before its password is checked: in one write transaction,
 * refuse (429) while throttled (auth/throttle.ts), else record the attempt as a
 * failure. The caller checks the password after, and clears the record when it
 * proves right, so guesses sent in parallel are each counted before any is checked.
 */
function reserveAttempt(deps: Deps, email: string, clientAddress: string): void {
  const address = throttleKey(clientAddress);
  writeTx(deps.db, (tx) => {
    const now = deps.clock.now().getTime();
    tx.delete(loginFailures).where(lt(loginFailures.at, new Date(now - LONGEST_WINDOW_MS))).run();
    const since = (ms: number) => gte(loginFailures.at, new Date(now - ms));
    const counted = (what: SQL, where: SQL | undefined): Counted => {
      const r = tx.select({ n: what.mapWith(Number), last: sql<number | null>`max(${loginFailures.at})` }).from(loginFailures).where(where).get();
      return { count: r?.n ?? 0, lastAt: r?.last ?? undefined };
    };
    const throttled = throttleFor({
      pair: counted(sql`count(*)`, and(eq(loginFailures.email, email), eq(loginFailures.address, address), since(PAIR_RULE.windowMs))),
      account: counted(sql`count(*)`, and(eq(loginFailures.email, email), since(ACCOUNT_RULE.windowMs))),
      address: counted(sql`count(distinct ${loginFailures.email})`, and(eq(loginFailures.address, address), since(ADDRESS_RULE.windowMs))),
      now,
      knownAddress: isKnownAddress(tx, email, address, now),
    });
    if (throttled) throw refusal(throttled);
    tx.insert(loginFailures).values({ email, address, at: new Date(now) }).run();
  });
}

/** The password was right: the attempt was no failure, and this account and address start afresh. */
function attemptSucceeded(tx: Tx, email: string, clientAddress: string): void {
  tx.delete(loginFailures).where(and(eq(loginFailures.email, email), eq(loginFailures.address, throttleKey(clientAddress)))).run();
}

const KNOWN_ADDRESS_MS = KNOWN_ADDRESS_DAYS * 86_400_000;

/** Whether the account signed in from this address (throttle key) within KNOWN_ADDRESS_DAYS. */
function isKnownAddress(tx: Tx, email: string, address: string, now: number): boolean {
  const where = and(eq(signInAddresses.email, email), eq(signInAddresses.address, address), gte(signInAddresses.lastAt, new Date(now - KNOWN_ADDRESS_MS)));
  return tx.select({ one: sql`1` }).from(signInAddresses).where(where).get() !== undefined;
}

/** A sign-in succeeded: remember (or renew) the address for the account, forget addresses unused for KNOWN_ADDRESS_DAYS. */
function rememberSignInAddress(tx: Tx, email: string, clientAddress: string, now: Date): void {
  tx.delete(signInAddresses).where(lt(signInAddresses.lastAt, new Date(now.getTime() - KNOWN_ADDRESS_MS))).run();
  const address = throttleKey(clientAddress);
  if (address === "unknown") return; // no socket address: every such client would share it
  tx.insert(signInAddresses)
    .values({ email, address, lastAt: now })
    .onConflictDoUpdate({ target: [signInAddresses.email, signInAddresses.address], set: { lastAt: now } })
    .run();
}

/** Forget an account's failed sign-ins from every address (admin unlock, a new password set by an admin). */
export function clearSignInThrottle(tx: Tx, email: string): number {
  return tx.delete(loginFailures).where(eq(loginFailures.email, email.trim().toLowerCase())).run().changes;
}

export async function login(deps: Deps, email: string, password: string, address: string, oldSessionToken?: string) {
  const { db, clock } = deps;
  const normalised = email.trim().toLowerCase();
  reserveAttempt(deps, normalised, address);
  const person = db.select().from(staff).where(eq(staff.email, normalised)).get();
  const ok = await checkPassword(person?.active ? person.passwordHash : undefined, password);
  if (!ok || !person) throw new Unauthenticated("Wrong email or password.");
  const now = clock.now();
  const token = newSecret();
  writeTx(db, (tx) => {
    attemptSucceeded(tx, normalised, address);
    rememberSignInAddress(tx, normalised, address, now);
    tx.delete(sessions).where(lt(sessions.expiresAt, now)).run(); // housekeeping: sessions past their end
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
 * counts towards the sign-in throttle, so a borrowed session cannot guess it); every
 * other session of theirs ends, the one in use stays.
 */
export async function changeOwnPassword(deps: Deps, user: CurrentUser, current: string, next: string, address: string, keepSessionToken?: string) {
  if (next === current) throw new InvalidInput([{ path: "newPassword", message: "must differ from the current password" }], "The new password is the same as the current one.");
  assertPasswordAllowed(next, "newPassword", { email: user.email, name: user.name });
  reserveAttempt(deps, user.email, address);
  const row = deps.db.select().from(staff).where(eq(staff.id, user.id)).get();
  if (!(await checkPassword(row?.passwordHash, current))) {
    throw new RuleViolation("The current password is wrong.", [{ path: "currentPassword", message: "wrong password" }]);
  }
  const passwordHash = await hashPassword(next);
  const now = deps.clock.now();
  const keep = keepSessionToken ? digest(keepSessionToken) : "";
  writeTx(deps.db, (tx) => {
    attemptSucceeded(tx, user.email, address);
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

/** What a bearer token stands for: its holder, and the token (for the audit) and its scope. */
export type TokenUse = { expired: false; user: CurrentUser; via: Via; readOnly: boolean } | { expired: true; expiresAt: Date };

/** The token's use, or undefined when it is unknown, revoked or its holder deactivated. */
export function apiTokenUse(deps: Deps, token: string): TokenUse | undefined {
  const row = deps.db
    .select({ t: apiTokens, p: staff })
    .from(apiTokens)
    .innerJoin(staff, eq(staff.id, apiTokens.staffId))
    .where(eq(apiTokens.tokenHash, digest(token)))
    .get();
  if (!row || row.t.revokedAt || !row.p.active) return undefined;
  const expiresAt = row.t.expiresAt ?? new Date(row.t.createdAt.getTime() + TOKEN_DEFAULT_DAYS * 86_400_000);
  if (deps.clock.now().getTime() >= expiresAt.getTime()) return { expired: true, expiresAt };
  return { expired: false, user: toCurrentUser(row.p), via: { tokenId: row.t.id, madeBy: row.t.createdBy }, readOnly: row.t.readOnly };
}

export function listApiTokens(deps: Deps) {
  return deps.db
    .select({
      id: apiTokens.id,
      staffId: apiTokens.staffId,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      createdBy: apiTokens.createdBy,
      revokedAt: apiTokens.revokedAt,
      expiresAt: apiTokens.expiresAt,
      readOnly: apiTokens.readOnly,
    })
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

/** A token lasts 90 days unless made for fewer (at most a year). */
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;

export function createApiToken(deps: Deps, actor: Actor, staffId: string, name: string, opts: { expiresInDays?: number; readOnly?: boolean } = {}) {
  const token = newSecret();
  const now = deps.clock.now();
  const days = opts.expiresInDays ?? TOKEN_DEFAULT_DAYS;
  const readOnly = opts.readOnly ?? false;
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  const id = writeTx(deps.db, (tx) => {
    const row = tx
      .insert(apiTokens)
      .values({ tokenHash: digest(token), staffId, name, createdAt: now, createdBy: actor.type === "staff" ? actor.id : actor.job, expiresAt, readOnly })
      .returning({ id: apiTokens.id })
      .get();
    appendAudit(tx, actor, { action: "create", entity: "api_token", entityId: row.id, data: { staffId, name, expiresAt: expiresAt.toISOString(), readOnly } }, now);
    return row.id;
  });
  return { id, token, expiresAt: expiresAt.toISOString(), readOnly };
}

/** End every session of a person (password change, deactivation). */
export function endAllSessions(deps: Deps, staffId: string) {
  deps.db.delete(sessions).where(eq(sessions.staffId, staffId)).run();
}
