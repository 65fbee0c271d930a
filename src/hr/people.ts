// Resolving the person a request is about, with the caller's right to it.
import type { CurrentUser, Deps } from "../deps.js";
import type { Actor } from "../audit/chain.js";
import { Forbidden, NotFound } from "../errors.js";
import { manages, sees } from "./access.js";
import { personOf } from "./records.js";

export type Person = NonNullable<ReturnType<typeof personOf>>;

export const actorFor = (u: CurrentUser): Actor & { type: "staff" } => ({ type: "staff", id: u.id });

/** The person, if the caller may see them; otherwise 404 (never reveal who exists). */
export function visiblePerson(deps: Deps, user: CurrentUser, staffId: string): Person {
  const p = personOf(deps.db, staffId);
  if (!p || !sees(user, p)) throw new NotFound("staff member");
  return p;
}

/** The person, if the caller manages their records: 404 when unseen, 403 when seen but not managed. */
export function managedPerson(deps: Deps, user: CurrentUser, staffId: string): Person {
  const p = visiblePerson(deps, user, staffId);
  if (!manages(user, p)) throw new Forbidden("You do not manage this person's records.");
  return p;
}
