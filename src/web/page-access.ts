// Who may open each page: the one list the page gate reads, the navigation shows and the
// page × role matrix test walks. A page is registered through `definePage` in pages.ts,
// which looks its path up here, so a page cannot exist without a rule.
import type { CurrentUser } from "../deps.js";
import { ADMINS, ALERT_RESPONDERS, HR_WRITERS, LINE_MANAGERS, RECORD_KEEPERS, ROTA_EDITORS, hasAny } from "../staff/roles.js";
import type { Role } from "../staff/schema.js";

export type PageAccess =
  | { access: "public" }
  | { access: "signed_in" }
  /** `forbidden` is the plain sentence a signed-in person without the role reads (403). */
  | { access: readonly Role[]; forbidden: string };

export const PAGES = {
  "/login": { access: "public" },
  "/": { access: "signed_in" },
  // My details: anyone signed in, their own mobile and password.
  "/me": { access: "signed_in" },
  "/visits/:id": { access: "signed_in" },
  "/board": { access: ALERT_RESPONDERS, forbidden: "The live board is for duty managers." },
  // Where a manager's alert notification leads: the board, with that alert first.
  "/alerts/:id": { access: ALERT_RESPONDERS, forbidden: "Alerts are for duty managers." },
  // Start a drill alert for one of your people, and read how recent drills went.
  "/drills": { access: ALERT_RESPONDERS, forbidden: "Drills are for duty managers." },
  "/rota": { access: "signed_in" },
  "/hr": { access: RECORD_KEEPERS, forbidden: "HR reports are for HR, managers and administrators." },
  "/staff": { access: RECORD_KEEPERS, forbidden: "The staff directory is for HR, managers and administrators." },
  "/staff/new": { access: HR_WRITERS, forbidden: "Adding staff is for HR and administrators." },
  // A person's record: HR, their managers and they themselves (the API decides whose).
  "/staff/:id": { access: "signed_in" },
  "/staff/:id/edit": { access: HR_WRITERS, forbidden: "Changing staff details is for HR and administrators." },
  "/teams": { access: RECORD_KEEPERS, forbidden: "Teams are for HR, managers and administrators." },
  "/team": { access: LINE_MANAGERS, forbidden: "My team is for team managers." },
  "/swaps": { access: ROTA_EDITORS, forbidden: "Approving swaps is for managers." },
  "/rota/:id": { access: "signed_in" },
  "/admin/policy": { access: ADMINS, forbidden: "The escalation policy is for administrators." },
  "/admin/tokens": { access: ADMINS, forbidden: "API tokens are for administrators." },
  "/admin/audit": { access: ADMINS, forbidden: "The audit log is for administrators." },
} as const satisfies Record<string, PageAccess>;

export type PagePath = keyof typeof PAGES;
export type PublicPagePath = { [P in PagePath]: (typeof PAGES)[P]["access"] extends "public" ? P : never }[PagePath];

/** May this person (or nobody) open the page? The API still decides what they see on it. */
export function mayOpen(user: CurrentUser | undefined, path: PagePath): boolean {
  const rule: PageAccess = PAGES[path];
  if (rule.access === "public") return true;
  if (!user) return false;
  return rule.access === "signed_in" || hasAny(user, rule.access);
}
