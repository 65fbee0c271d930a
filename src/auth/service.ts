import type { Deps, CurrentUser } from "../deps.js";
import type { StaffRow } from "../staff/schema.js";
import { staffStore } from "../staff/store.js";
import { assertPasswordAllowed, checkPassword, hashPassword } from "./password.js";
import { digest, newSecret } from "./tokens.js";
import { InvalidInput, RuleViolation, Unauthenticated } from "../errors.js";
import { type Actor } from "../audit/chain.js";
import type { Via } from "../audit/via.js";
import { signInStore } from "./store.js";
import { sessionsStore } from "./sessions-store.js";
import { throttleStore } from "./throttle-store.js";
import { tokensStore, type ApiTokenListed } from "./tokens-store.js";

export function toCurrentUser(s: StaffRow): CurrentUser {
  return { id: s.id, name: s.name, email: s.email, roles: s.roles, teamId: s.teamId, category: s.category };
}

export async function login(deps: Deps, email: string, password: string, address: string, oldSessionToken?: string) {
  const { db, clock } = deps;
  const normalised = email.trim().toLowerCase();
  // Counted before the password is checked, so guesses sent in parallel each count (throttle-store.ts).
  await throttleStore(db).reserve(normalised, address, clock.now());
  const person = await staffStore(db).byEmail(normalised);
  const ok = await checkPassword(person?.active ? person.passwordHash : undefined, password);
  if (!ok || !person) throw new Unauthenticated("Wrong email or password.");
  const now = clock.now();
  const token = newSecret();
  await signInStore(db).signedIn(
    {
      staffId: person.id,
      email: normalised,
      clientAddress: address,
      sessionId: digest(token),
      replaces: oldSessionToken ? digest(oldSessionToken) : undefined,
      expiresAt: new Date(now.getTime() + deps.config.SESSION_ABSOLUTE_HOURS * 3_600_000),
    },
    now,
  );
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
  await throttleStore(deps.db).reserve(user.email, address, deps.clock.now());
  const row = await staffStore(deps.db).byId(user.id);
  if (!(await checkPassword(row?.passwordHash, current))) {
    throw new RuleViolation("The current password is wrong.", [{ path: "currentPassword", message: "wrong password" }]);
  }
  const passwordHash = await hashPassword(next);
  const now = deps.clock.now();
  await signInStore(deps.db).ownPasswordChanged(
    { staffId: user.id, email: user.email, clientAddress: address, passwordHash, keepSessionId: keepSessionToken ? digest(keepSessionToken) : undefined },
    now,
  );
}

export async function logout(deps: Deps, token: string, actor: Actor): Promise<void> {
  await sessionsStore(deps.db).end(digest(token), actor, deps.clock.now());
}

/**
 * The person behind a session cookie, or undefined when it is unknown, idle too long or
 * past its end. Every signed-in request comes through here: not async itself, so the
 * caller's one await is the store's.
 */
export function userFromSession(deps: Deps, token: string): Promise<CurrentUser | undefined> {
  return sessionsStore(deps.db).session(digest(token), deps.clock.now(), deps.config.SESSION_IDLE_MINUTES * 60_000);
}

/** What a bearer token stands for: its holder, and the token (for the audit) and its scope. */
export type TokenUse = { expired: false; user: CurrentUser; via: Via; readOnly: boolean } | { expired: true; expiresAt: Date };

/** The token's use, or undefined when it is unknown, revoked or its holder deactivated. */
export async function apiTokenUse(deps: Deps, token: string): Promise<TokenUse | undefined> {
  const row = await tokensStore(deps.db).byHash(digest(token));
  if (!row || row.token.revokedAt || !row.holder.active) return undefined;
  const expiresAt = row.token.expiresAt ?? new Date(row.token.createdAt.getTime() + TOKEN_DEFAULT_DAYS * 86_400_000);
  if (deps.clock.now().getTime() >= expiresAt.getTime()) return { expired: true, expiresAt };
  return { expired: false, user: toCurrentUser(row.holder), via: { tokenId: row.token.id, madeBy: row.token.createdBy }, readOnly: row.token.readOnly };
}

export function listApiTokens(deps: Deps): Promise<ApiTokenListed[]> {
  return tokensStore(deps.db).list();
}

/** Revoke a token: it stops working at once; the row stays as a record. */
export async function revokeApiToken(deps: Deps, actor: Actor, id: string): Promise<void> {
  await tokensStore(deps.db).revoke(id, actor, deps.clock.now());
}

/** A token lasts 90 days unless made for fewer (at most a year). */
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;

type TokenOptions = { expiresInDays?: number; readOnly?: boolean };

function newToken(deps: Deps, staffId: string, name: string, opts: TokenOptions) {
  const token = newSecret();
  const now = deps.clock.now();
  const days = opts.expiresInDays ?? TOKEN_DEFAULT_DAYS;
  const readOnly = opts.readOnly ?? false;
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  return { token, now, readOnly, expiresAt, row: { tokenHash: digest(token), staffId, name, expiresAt, readOnly } };
}

/** Make an API token for a person; the secret is in the answer only. */
export async function issueApiToken(deps: Deps, actor: Actor, staffId: string, name: string, opts: TokenOptions = {}) {
  const t = newToken(deps, staffId, name, opts);
  const id = await tokensStore(deps.db).create(t.row, actor, t.now);
  return { id, token: t.token, expiresAt: t.expiresAt.toISOString(), readOnly: t.readOnly };
}

