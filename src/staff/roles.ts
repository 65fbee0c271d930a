// Who may do what, by role: the one table that routes (`access`), services and pages
// read. Each group is named for what its holders may do; two places that need the same
// roles for different reasons get two names, so one can change without the other.
import type { Role } from "./schema.js";

export type { Role } from "./schema.js";
export { ROLES } from "./schema.js";

type Group = readonly Role[];

/** Sign-in accounts, tokens, the audit chain, the escalation ladder, granting roles. */
export const ADMINS = ["admin"] as const satisfies Group;

/** Line managers: run the live board and answer alerts, may hold manager cover. */
export const LINE_MANAGERS = ["manager", "senior_manager"] as const satisfies Group;

/** Duty managers who see every alert and every visit, and acknowledge and resolve alerts. */
export const ALERT_RESPONDERS = LINE_MANAGERS;

/** May take manager cover on a rota, and keep the senior list reachable by holding one of these. */
export const MANAGER_COVER = LINE_MANAGERS;

/** Add and change staff and HR records (leave, sickness, training, OH), and read the confidential parts. */
export const HR_WRITERS = ["admin", "hr"] as const satisfies Group;

/** Read staff and HR records and the reports (managers only within their scope). */
export const RECORD_KEEPERS = [...HR_WRITERS, ...LINE_MANAGERS] as const satisfies Group;

/** Every team's records and reports, not just their own team's. */
export const EVERY_TEAM = [...HR_WRITERS, "senior_manager"] as const satisfies Group;

/** Create rotas, add patterns, assign and approve swaps. */
export const ROTA_EDITORS = ["admin", ...LINE_MANAGERS] as const satisfies Group;

/** Read the escalation ladder in force, and readiness (hours with no duty manager). */
export const ESCALATION_READERS = ["admin", ...LINE_MANAGERS] as const satisfies Group;

/** Does this person hold any of the group's roles? */
export const hasAny = (user: { roles: readonly string[] }, group: Group): boolean => user.roles.some((r) => (group as readonly string[]).includes(r));
