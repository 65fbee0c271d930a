import { and, asc, eq, ne } from "drizzle-orm";
import type { Deps } from "../deps.js";
import { writeTx, type Tx } from "../db/connection.js";
import { staff, teams, type Category, type Role, type StaffRow } from "./schema.js";
import { type Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import { Conflict, Forbidden, InvalidInput, NotFound, RuleViolation } from "../errors.js";
import { assertNotCurrentPassword, assertPasswordAllowed, hashPassword } from "../auth/password.js";
import { clearSignInThrottle, endAllSessions } from "../auth/service.js";
import { currentPolicy } from "../lone-working/escalation/policy.js";
import { MANAGER_COVER, hasAny } from "./roles.js";

export interface NewStaff {
  name: string;
  email: string;
  roles: Role[];
  team?: string;
  category?: Category;
  startDate?: string;
  fte?: number;
  password?: string;
}

export type StaffView = Omit<StaffRow, "passwordHash"> & { team: string | null; canSignIn: boolean };

export function toView(row: StaffRow, teamName: string | null): StaffView {
  const { passwordHash, ...rest } = row;
  return { ...rest, team: teamName, canSignIn: Boolean(passwordHash) };
}

function teamIdFor(tx: Tx, name: string, at: Date, actor: Actor): string {
  const found = tx.select().from(teams).where(eq(teams.name, name)).get();
  if (found) return found.id;
  const row = tx.insert(teams).values({ name, createdAt: at }).returning().get();
  appendAudit(tx, actor, { action: "create", entity: "team", entityId: row.id, data: { name } }, at);
  return row.id;
}

/**
 * Admin is the role that reads the audit log, mints tokens and sets passwords, and a
 * password set by someone lets them sign in as that person: only an admin may grant
 * or remove admin, or set a password. Checked against the database, not the session;
 * the service's own jobs (first admin, CLI, demo) may.
 */
function requireAdmin(tx: Tx | Deps["db"], actor: Actor, what: string): void {
  if (actor.type === "system") return;
  const row = tx.select({ roles: staff.roles, active: staff.active }).from(staff).where(eq(staff.id, actor.id)).get();
  if (!row?.active || !row.roles.includes("admin")) throw new Forbidden(`Only an admin may ${what}.`);
}

export async function createStaff(deps: Deps, actor: Actor, input: NewStaff): Promise<StaffView> {
  const email = input.email.trim().toLowerCase();
  if (input.roles.includes("admin")) requireAdmin(deps.db, actor, "grant the admin role");
  if (input.password !== undefined) {
    requireAdmin(deps.db, actor, "set a password (a person's first password is set by an admin)");
    assertPasswordAllowed(input.password, "password", { email, name: input.name });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const now = deps.clock.now();
  return writeTx(deps.db, (tx) => {
    // Again inside the write: the actor's roles may have changed while the password hashed.
    if (input.roles.includes("admin")) requireAdmin(tx, actor, "grant the admin role");
    if (input.password !== undefined) requireAdmin(tx, actor, "set a password");
    if (tx.select({ id: staff.id }).from(staff).where(eq(staff.email, email)).get()) {
      throw new Conflict(`Someone already has the email ${email}.`);
    }
    const teamId = input.team ? teamIdFor(tx, input.team, now, actor) : null;
    const row = tx
      .insert(staff)
      .values({
        name: input.name,
        email,
        roles: [...new Set(input.roles)],
        teamId,
        category: input.category ?? "qualified",
        startDate: input.startDate ?? null,
        fte: input.fte ?? 1,
        passwordHash,
        createdAt: now,
      })
      .returning()
      .get();
    const { passwordHash: _, ...audited } = row;
    appendAudit(tx, actor, { action: "create", entity: "staff", entityId: row.id, data: audited }, now);
    return toView(row, input.team ?? null);
  });
}

export interface StaffChanges {
  name?: string;
  email?: string;
  roles?: Role[];
  team?: string | null;
  category?: Category;
  startDate?: string | null;
  fte?: number;
  active?: boolean;
}

/**
 * The escalation ladder's last resort is the senior list: refuse to deactivate, or take
 * the manager roles from, its last active member (change the list first).
 */
function keepSeniorListReachable(tx: Tx, before: StaffRow, changes: StaffChanges): void {
  const list = currentPolicy(tx).seniorStaffIds;
  if (!list.includes(before.id) || !before.active) return;
  const roles = changes.roles ?? before.roles;
  const leaves = (changes.active ?? before.active) === false || (hasAny(before, MANAGER_COVER) && !hasAny({ roles }, MANAGER_COVER));
  if (!leaves) return;
  const others = list.filter((id) => id !== before.id);
  const activeOther = others.length > 0 && tx.select({ id: staff.id }).from(staff).where(eq(staff.active, true)).all().some((r) => others.includes(r.id));
  if (!activeOther) throw new RuleViolation("This is the last active member of the senior escalation list; add someone else to the list first (Escalation policy).");
}

export function updateStaff(deps: Deps, actor: Actor, id: string, changes: StaffChanges): StaffView {
  if (!Object.values(changes).some((v) => v !== undefined)) throw new InvalidInput([{ path: "", message: "nothing to change: give at least one field" }], "The body names nothing to change.");
  const now = deps.clock.now();
  const view = writeTx(deps.db, (tx) => {
    const before = tx.select().from(staff).where(eq(staff.id, id)).get();
    if (!before) throw new NotFound("staff member");
    const wasAdmin = before.roles.includes("admin");
    if (changes.roles && wasAdmin !== changes.roles.includes("admin")) requireAdmin(tx, actor, wasAdmin ? "remove the admin role" : "grant the admin role");
    // Re-activating an admin gives the admin role back to a person; deactivating one takes it.
    if (wasAdmin && changes.active !== undefined && changes.active !== before.active) requireAdmin(tx, actor, "activate or deactivate an admin");
    // An admin's email is their sign-in name: moving it would lock them out (HR could so
    // shut out every admin, and only an admin could set it right).
    if (wasAdmin && changes.email !== undefined && changes.email.trim().toLowerCase() !== before.email) requireAdmin(tx, actor, "change an admin's email");
    const staysAdmin = (changes.roles ?? before.roles).includes("admin") && (changes.active ?? before.active);
    if (before.roles.includes("admin") && before.active && !staysAdmin) {
      // Nobody could then manage accounts or set passwords: keep one admin able to sign in.
      const others = tx.select({ id: staff.id, roles: staff.roles }).from(staff).where(and(eq(staff.active, true), ne(staff.id, id))).all();
      if (!others.some((o) => o.roles.includes("admin"))) throw new RuleViolation("This is the last active admin; make someone else an admin first.");
    }
    keepSeniorListReachable(tx, before, changes);
    const { team, ...rest } = changes;
    const set: Partial<StaffRow> = { ...rest };
    if (changes.email !== undefined) {
      set.email = changes.email.trim().toLowerCase();
      const taken = tx.select({ id: staff.id }).from(staff).where(and(eq(staff.email, set.email), ne(staff.id, id))).get();
      if (taken) throw new Conflict(`Someone already has the email ${set.email}.`);
    }
    if (team !== undefined) set.teamId = team === null ? null : teamIdFor(tx, team, now, actor);
    const row = tx.update(staff).set(set).where(eq(staff.id, id)).returning().get();
    appendAudit(tx, actor, { action: "update", entity: "staff", entityId: id, data: changes }, now);
    return toView(row, teamName(tx, row.teamId));
  });
  if (changes.active === false || changes.roles) endAllSessions(deps, id);
  return view;
}

/** An admin sets a person's password: their sessions end and their sign-in throttle is cleared. */
export async function setPassword(deps: Deps, actor: Actor, id: string, password: string): Promise<void> {
  requireAdmin(deps.db, actor, "set a password");
  const person = deps.db.select().from(staff).where(eq(staff.id, id)).get();
  if (!person) throw new NotFound("staff member");
  assertPasswordAllowed(password, "password", { email: person.email, name: person.name });
  await assertNotCurrentPassword(person.passwordHash, password, "password");
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    requireAdmin(tx, actor, "set a password");
    const res = tx.update(staff).set({ passwordHash }).where(eq(staff.id, id)).run();
    if (res.changes === 0) throw new NotFound("staff member");
    // A reset is how a throttled person gets back in: the failures before it no longer count.
    clearSignInThrottle(tx, person.email);
    appendAudit(tx, actor, { action: "set_password", entity: "staff", entityId: id }, now);
  });
  endAllSessions(deps, id);
}

/** An admin lets a throttled person try again at once, from every address. */
export function unlockSignIn(deps: Deps, actor: Actor, id: string): void {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    requireAdmin(tx, actor, "unlock sign-in");
    const person = tx.select({ email: staff.email }).from(staff).where(eq(staff.id, id)).get();
    if (!person) throw new NotFound("staff member");
    const cleared = clearSignInThrottle(tx, person.email);
    appendAudit(tx, actor, { action: "unlock", entity: "staff", entityId: id, data: { failuresCleared: cleared } }, now);
  });
}

function teamName(tx: Tx | Deps["db"], teamId: string | null): string | null {
  if (!teamId) return null;
  return tx.select({ name: teams.name }).from(teams).where(eq(teams.id, teamId)).get()?.name ?? null;
}

export function getStaff(deps: Deps, id: string): StaffView {
  const row = deps.db.select().from(staff).where(eq(staff.id, id)).get();
  if (!row) throw new NotFound("staff member");
  return toView(row, teamName(deps.db, row.teamId));
}

export function listStaff(deps: Deps): StaffView[] {
  return deps.db
    .select({ s: staff, team: teams.name })
    .from(staff)
    .leftJoin(teams, eq(teams.id, staff.teamId))
    .orderBy(asc(staff.name))
    .all()
    .map((r) => toView(r.s, r.team));
}
