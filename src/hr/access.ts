// Who may see and write whose HR records. HR and admin: everyone. Managers: their
// own team (senior managers: all teams). Only HR and admin see causes and reasons.
import type { CurrentUser } from "../deps.js";
import { EVERY_TEAM, HR_WRITERS, hasAny } from "../staff/roles.js";

export interface PersonRef {
  id: string;
  teamId: string | null;
}

export const isHrOrAdmin = (u: CurrentUser) => hasAny(u, HR_WRITERS);

/** Manages this person's records: HR/admin, a senior manager, or a manager of their team (not themselves). */
export function manages(u: CurrentUser, p: PersonRef): boolean {
  if (hasAny(u, EVERY_TEAM)) return true;
  return u.roles.includes("manager") && u.teamId !== null && u.teamId === p.teamId && u.id !== p.id;
}

/** May see that this person's records exist (absence, dates): managers of them, or themselves. */
export const sees = (u: CurrentUser, p: PersonRef) => u.id === p.id || manages(u, p);

/** May see causes of sickness and reasons for OH referral: HR/admin, or the person themselves. */
export const seesConfidential = (u: CurrentUser, p: PersonRef) => isHrOrAdmin(u) || u.id === p.id;

/** Report scope: null = everyone, else the team ids the caller may report on. */
export function reportScope(u: CurrentUser): { all: true } | { all: false; teamId: string | null } {
  if (hasAny(u, EVERY_TEAM)) return { all: true };
  return { all: false, teamId: u.teamId };
}

export interface SupervisorRef extends PersonRef {
  roles: readonly string[];
  active: boolean;
}

/**
 * May this person supervise that one (LGA Standard 5: supervision comes from line
 * management)? A manager of their team, or a senior manager (who manages every team);
 * never a peer, HR or an admin as such, nor anyone inactive or themselves.
 */
export function maySupervise(supervisor: SupervisorRef, supervisee: PersonRef): boolean {
  if (!supervisor.active || supervisor.id === supervisee.id) return false;
  if (supervisor.roles.includes("senior_manager")) return true;
  return supervisor.roles.includes("manager") && supervisor.teamId !== null && supervisor.teamId === supervisee.teamId;
}
