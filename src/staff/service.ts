import type { Deps } from "../deps.js";
import { type Actor } from "../audit/chain.js";
import { InvalidInput, NotFound } from "../errors.js";
import { assertNotCurrentPassword, assertPasswordAllowed, hashPassword } from "../auth/password.js";
import { staffStore, type NewStaffRow, type StaffChanges, type StaffView } from "./store.js";

export { toView, type StaffChanges, type StaffView } from "./store.js";

/** A new person as given: the password in clear (hashed before it is stored), or none. */
export type NewStaff = Omit<NewStaffRow, "passwordHash"> & { password?: string };

export async function createStaff(deps: Deps, actor: Actor, input: NewStaff): Promise<StaffView> {
  const store = staffStore(deps.db);
  const email = input.email.trim().toLowerCase();
  // Before the (slow) hash: a refusal costs nothing. The store checks again inside its write.
  if (input.roles.includes("admin")) await store.requireAdmin(actor, "grant the admin role");
  if (input.password !== undefined) {
    await store.requireAdmin(actor, "set a password (a person's first password is set by an admin)");
    assertPasswordAllowed(input.password, "password", { email, name: input.name });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const { password: _, ...person } = input;
  return store.create({ ...person, email, passwordHash }, actor, deps.clock.now());
}

/** Change a person (see StaffStore.update for the rules); a deactivated person or one given other roles is signed out everywhere. */
export async function updateStaff(deps: Deps, actor: Actor, id: string, changes: StaffChanges): Promise<StaffView> {
  if (!Object.values(changes).some((v) => v !== undefined)) throw new InvalidInput([{ path: "", message: "nothing to change: give at least one field" }], "The body names nothing to change.");
  return staffStore(deps.db).update(id, changes, actor, deps.clock.now());
}

/** A person records or clears their own mobile number (no role needed: it is theirs). */
export async function setOwnMobile(deps: Deps, actor: Actor, id: string, mobile: string | null): Promise<StaffView> {
  return staffStore(deps.db).update(id, { mobile }, actor, deps.clock.now());
}

/** An admin sets a person's password: their sessions end and their sign-in throttle is cleared. */
export async function setPassword(deps: Deps, actor: Actor, id: string, password: string): Promise<void> {
  const store = staffStore(deps.db);
  await store.requireAdmin(actor, "set a password");
  const person = await store.byId(id);
  if (!person) throw new NotFound("staff member");
  assertPasswordAllowed(password, "password", { email: person.email, name: person.name });
  await assertNotCurrentPassword(person.passwordHash, password, "password");
  const passwordHash = await hashPassword(password);
  await store.setPassword(id, person.email, passwordHash, actor, deps.clock.now());
}

/** An admin lets a throttled person try again at once, from every address. */
export async function unlockSignIn(deps: Deps, actor: Actor, id: string): Promise<void> {
  await staffStore(deps.db).unlock(id, actor, deps.clock.now());
}

export async function getStaff(deps: Deps, id: string): Promise<StaffView> {
  const view = await staffStore(deps.db).view(id);
  if (!view) throw new NotFound("staff member");
  return view;
}

/** A person by email (trimmed, any case), or undefined. */
export async function findStaffByEmail(deps: Deps, email: string): Promise<StaffView | undefined> {
  const row = await staffStore(deps.db).byEmail(email.trim().toLowerCase());
  return row && (await staffStore(deps.db).view(row.id));
}

export function listStaff(deps: Deps): Promise<StaffView[]> {
  return staffStore(deps.db).list();
}

/** How many people are on record (any state). */
export function countStaff(deps: Deps): Promise<number> {
  return staffStore(deps.db).count();
}
