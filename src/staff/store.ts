// People and teams: only this file reads or writes staff and teams on their behalf
// (other stores may read them in joins). Each use case is one write transaction, so the
// rules about admins and the senior list are checked against what is stored at the write.
import { and, asc, count, eq, ne } from "drizzle-orm";
import { writeTx, type Db, type Tx } from "../db/connection.js";
import { storeFor } from "../db/store-kit.js";
import type { Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import { Conflict, Forbidden, NotFound, RuleViolation } from "../errors.js";
import { endSessionsOf } from "../auth/sessions-store.js";
import { clearSignInThrottle } from "../auth/throttle-store.js";
import { currentPolicy } from "../lone-working/escalation/policy-store.js";
import { MANAGER_COVER, hasAny } from "./roles.js";
import { staff, teams, type Category, type Role, type StaffRow } from "./schema.js";

export type StaffView = Omit<StaffRow, "passwordHash"> & { team: string | null; canSignIn: boolean };

export function toView(row: StaffRow, teamName: string | null): StaffView {
  const { passwordHash, ...rest } = row;
  return { ...rest, team: teamName, canSignIn: Boolean(passwordHash) };
}

/** A new person as stored: email already normalised, password already hashed (or none). */
export interface NewStaffRow {
  name: string;
  email: string;
  roles: Role[];
  team?: string;
  category?: Category;
  startDate?: string;
  fte?: number;
  /** E.164. */
  mobile?: string;
  passwordHash: string | null;
}

export interface StaffChanges {
  name?: string;
  email?: string;
  roles?: Role[];
  team?: string | null;
  category?: Category;
  startDate?: string | null;
  fte?: number;
  /** E.164; null clears it. */
  mobile?: string | null;
  active?: boolean;
}

export interface StaffStore {
  byId(id: string): Promise<StaffRow | undefined>;
  /** By normalised (trimmed, lower-case) email. */
  byEmail(email: string): Promise<StaffRow | undefined>;
  view(id: string): Promise<StaffView | undefined>;
  /** Everyone, by name. */
  list(): Promise<StaffView[]>;
  count(): Promise<number>;
  /** Forbidden unless the actor is an active admin (or the service's own job). */
  requireAdmin(actor: Actor, what: string): Promise<void>;
  /** Add a person (and their team, if new). Only an admin may grant admin or set a password; the email must be free. */
  create(person: NewStaffRow, actor: Actor, now: Date): Promise<StaffView>;
  /**
   * Change a person, keeping an admin able to sign in and the senior list reachable; only
   * an admin may grant, remove, (de)activate an admin or move an admin's email. A person
   * deactivated or given other roles has every session ended.
   */
  update(id: string, changes: StaffChanges, actor: Actor, now: Date): Promise<StaffView>;
  /** An admin sets a password: the person's sessions end and the throttle on `email` is cleared. */
  setPassword(id: string, email: string, passwordHash: string, actor: Actor, now: Date): Promise<void>;
  /** An admin clears a person's failed sign-ins at every address. */
  unlock(id: string, actor: Actor, now: Date): Promise<void>;
}

export const staffStore = storeFor<StaffStore>((db) => {
  const teamName = (tx: Tx | Db, teamId: string | null): string | null => {
    if (!teamId) return null;
    return tx.select({ name: teams.name }).from(teams).where(eq(teams.id, teamId)).get()?.name ?? null;
  };
  return {
    async byId(id) {
      return db.select().from(staff).where(eq(staff.id, id)).get();
    },
    async byEmail(email) {
      return db.select().from(staff).where(eq(staff.email, email)).get();
    },
    async view(id) {
      const row = db.select().from(staff).where(eq(staff.id, id)).get();
      return row && toView(row, teamName(db, row.teamId));
    },
    async list() {
      return db
        .select({ s: staff, team: teams.name })
        .from(staff)
        .leftJoin(teams, eq(teams.id, staff.teamId))
        .orderBy(asc(staff.name))
        .all()
        .map((r) => toView(r.s, r.team));
    },
    async count() {
      return db.select({ n: count() }).from(staff).get()?.n ?? 0;
    },
    async requireAdmin(actor, what) {
      requireAdmin(db, actor, what);
    },
    async create(input, actor, now) {
      return writeTx(db, (tx) => {
        // Again inside the write: the actor's roles may have changed while the password hashed.
        if (input.roles.includes("admin")) requireAdmin(tx, actor, "grant the admin role");
        if (input.passwordHash !== null) requireAdmin(tx, actor, "set a password");
        if (tx.select({ id: staff.id }).from(staff).where(eq(staff.email, input.email)).get()) {
          throw new Conflict(`Someone already has the email ${input.email}.`);
        }
        const teamId = input.team ? teamIdFor(tx, input.team, now, actor) : null;
        const row = tx
          .insert(staff)
          .values({
            name: input.name,
            email: input.email,
            roles: [...new Set(input.roles)],
            teamId,
            category: input.category ?? "qualified",
            startDate: input.startDate ?? null,
            fte: input.fte ?? 1,
            mobile: input.mobile ?? null,
            passwordHash: input.passwordHash,
            createdAt: now,
          })
          .returning()
          .get();
        const { passwordHash: _, ...audited } = row;
        appendAudit(tx, actor, { action: "create", entity: "staff", entityId: row.id, data: audited }, now);
        return toView(row, input.team ?? null);
      });
    },
    async update(id, changes, actor, now) {
      return writeTx(db, (tx) => {
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
        if (changes.active === false || changes.roles) endSessionsOf(tx, id);
        return toView(row, teamName(tx, row.teamId));
      });
    },
    async setPassword(id, email, passwordHash, actor, now) {
      writeTx(db, (tx) => {
        requireAdmin(tx, actor, "set a password");
        const res = tx.update(staff).set({ passwordHash }).where(eq(staff.id, id)).run();
        if (res.changes === 0) throw new NotFound("staff member");
        // A reset is how a throttled person gets back in: the failures before it no longer count.
        clearSignInThrottle(tx, email);
        appendAudit(tx, actor, { action: "set_password", entity: "staff", entityId: id }, now);
        endSessionsOf(tx, id);
      });
    },
    async unlock(id, actor, now) {
      writeTx(db, (tx) => {
        requireAdmin(tx, actor, "unlock sign-in");
        const person = tx.select({ email: staff.email }).from(staff).where(eq(staff.id, id)).get();
        if (!person) throw new NotFound("staff member");
        const cleared = clearSignInThrottle(tx, person.email);
        appendAudit(tx, actor, { action: "unlock", entity: "staff", entityId: id, data: { failuresCleared: cleared } }, now);
      });
    },
  };
});

/** For other stores, inside their write: a person's new password hash (they change their own). */
export function writePasswordHash(tx: Tx, id: string, passwordHash: string): void {
  tx.update(staff).set({ passwordHash }).where(eq(staff.id, id)).run();
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
function requireAdmin(tx: Tx | Db, actor: Actor, what: string): void {
  if (actor.type === "system") return;
  const row = tx.select({ roles: staff.roles, active: staff.active }).from(staff).where(eq(staff.id, actor.id)).get();
  if (!row?.active || !row.roles.includes("admin")) throw new Forbidden(`Only an admin may ${what}.`);
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
