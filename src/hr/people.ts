// Resolving the person a request is about, with the caller's right to it.
import type { CurrentUser, Deps } from "../deps.js";
import type { Actor } from "../audit/chain.js";
import { Forbidden, NotFound } from "../errors.js";
import { manages, sees } from "./access.js";
import { recordsStore, type Person } from "./store/records.js";

export type { Person } from "./store/records.js";

export const actorFor = (u: CurrentUser): Actor & { type: "staff" } => ({ type: "staff", id: u.id });

/** The person, if the caller may see them; otherwise 404 (never reveal who exists). */
export async function visiblePerson(deps: Deps, user: CurrentUser, staffId: string): Promise<Person> {
  const p = await recordsStore(deps.db).person(staffId);
  if (!p || !sees(user, p)) throw new NotFound("staff member");
  return p;
}

/** The person, if the caller manages their records: 404 when unseen, 403 when seen but not managed. */
export async function managedPerson(deps: Deps, user: CurrentUser, staffId: string): Promise<Person> {
  const p = await visiblePerson(deps, user, staffId);
  if (!manages(user, p)) throw new Forbidden("You do not manage this person's records.");
  return p;
}
