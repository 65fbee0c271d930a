// Supervision sessions: recorded by either party (or a manager/HR), counted only
// once both the supervisee and the supervisor have confirmed (LGA Standard 5). The
// supervisor must be someone who may supervise the person (access.ts maySupervise),
// so two peers cannot invent a session for each other.
import type { CurrentUser, Deps } from "../deps.js";
import { Conflict, Forbidden, NotFound, RuleViolation } from "../errors.js";
import { stamp } from "./records.js";
import { actorFor, visiblePerson } from "./people.js";
import { manages, maySupervise, type PersonRef, type SupervisorRef } from "./access.js";
import { recordsStore } from "./store/records.js";
import { supervisionStore, type SupervisionRow } from "./store/supervision.js";

export type { SupervisionRow } from "./store/supervision.js";

export const supervisionStatus = (r: { superviseeConfirmedAt: Date | null; supervisorConfirmedAt: Date | null; voidedAt: Date | null; disputedAt?: Date | null }) =>
  r.voidedAt ? "void" : r.disputedAt ? "disputed" : r.superviseeConfirmedAt && r.supervisorConfirmedAt ? "confirmed" : "awaiting_confirmation";

export interface SupervisionInput {
  heldOn: string;
  supervisorId: string;
  kind?: string;
  durationMinutes?: number;
  lateEntryReason?: string;
}

export async function recordSupervision(deps: Deps, user: CurrentUser, staffId: string, input: SupervisionInput) {
  const store = recordsStore(deps.db);
  const supervisee = await store.person(staffId);
  const isParty = user.id === staffId || user.id === input.supervisorId;
  if (!supervisee || (!isParty && !manages(user, supervisee))) throw new NotFound("staff member");
  if (input.supervisorId === staffId) {
    throw new RuleViolation("A person cannot supervise themselves.", [{ path: "supervisorId", message: "same as the supervisee" }]);
  }
  assertMaySupervise(await store.supervisor(input.supervisorId), supervisee);
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.heldOn, field: "heldOn" }, input.lateEntryReason);
  const row = await store.add<SupervisionRow>(
    "supervisions",
    {
      staffId,
      supervisorId: input.supervisorId,
      heldOn: input.heldOn,
      kind: input.kind ?? "individual",
      durationMinutes: input.durationMinutes ?? null,
      // The recorder, when a party, confirms by recording; the other party must confirm.
      superviseeConfirmedAt: user.id === staffId ? s.recordedAt : null,
      supervisorConfirmedAt: user.id === input.supervisorId ? s.recordedAt : null,
      ...s,
    },
    actor,
  );
  return { ...row, status: supervisionStatus(row) };
}

/** 422 naming supervisorId unless that person may supervise the supervisee (now). */
function assertMaySupervise(supervisor: SupervisorRef | undefined, supervisee: PersonRef): void {
  if (!supervisor) throw new RuleViolation("No such supervisor.", [{ path: "supervisorId", message: "unknown staff member" }]);
  if (!maySupervise(supervisor, supervisee)) {
    const message = "The supervisor must be a manager of this person's team or a senior manager (active), not a colleague, HR or an admin.";
    throw new RuleViolation(message, [{ path: "supervisorId", message: "may not supervise this person" }]);
  }
}

/**
 * Which party the caller is, for confirming or disputing: 403 for someone who manages the
 * supervisee but is no party, 404 for anyone else; 409 when the session is void, disputed,
 * or already confirmed by the caller. Pure: runs inside the store's transaction.
 */
function awaitedParty(user: CurrentUser, before: SupervisionRow, person: PersonRef, verb: "confirm" | "dispute"): "supervisee" | "supervisor" {
  const isSupervisee = user.id === before.staffId;
  const isSupervisor = user.id === before.supervisorId;
  if (!isSupervisee && !isSupervisor) {
    if (manages(user, person)) throw new Forbidden(`Only the supervisee or the supervisor can ${verb} a session.`);
    throw new NotFound("supervision");
  }
  if (before.voidedAt) throw new Conflict("This session record is void.");
  if (before.disputedAt) throw new Conflict("This session has been disputed; it does not count. HR can see the reason.");
  const field = isSupervisee ? "superviseeConfirmedAt" : "supervisorConfirmedAt";
  if (before[field]) {
    throw new Conflict(verb === "confirm" ? "You have already confirmed this session; the other party must confirm it." : "You have already confirmed this session, so you cannot dispute it.");
  }
  return isSupervisee ? "supervisee" : "supervisor";
}

/** The other party confirms. The recorder cannot confirm for the other side. */
export async function confirmSupervision(deps: Deps, user: CurrentUser, id: string) {
  const row = await supervisionStore(deps.db).confirm(
    id,
    (before, person, supervisor) => {
      const as = awaitedParty(user, before, person, "confirm");
      // A session naming someone who may not supervise (entered before the rule, or the
      // supervisor has since left the team) cannot be confirmed into counting; void it.
      assertMaySupervise(supervisor, person);
      return as;
    },
    actorFor(user),
    deps.clock.now(),
  );
  return { ...row, status: supervisionStatus(row) };
}

/**
 * The party whose confirmation is awaited says the session did not happen as recorded,
 * with a reason (already held to the reason rule by the route): it never counts, no
 * longer waits for confirmation, and HR sees it, with the reason, in the person's list.
 */
export async function disputeSupervision(deps: Deps, user: CurrentUser, id: string, reason: string) {
  const row = await supervisionStore(deps.db).dispute(id, reason, (before, person) => awaitedParty(user, before, person, "dispute"), actorFor(user), deps.clock.now());
  return { ...row, status: supervisionStatus(row) };
}

/** A person's sessions, newest first. */
export async function listSupervisions(deps: Deps, user: CurrentUser, staffId: string) {
  await visiblePerson(deps, user, staffId);
  return (await supervisionStore(deps.db).listFor(staffId)).map((r) => ({ ...r, status: supervisionStatus(r) }));
}

/** Sessions waiting for the caller's confirmation (as supervisee or supervisor). */
export async function awaitingMyConfirmation(deps: Deps, user: CurrentUser) {
  return (await supervisionStore(deps.db).awaiting(user.id)).map((r) => ({ ...r, status: supervisionStatus(r) }));
}
