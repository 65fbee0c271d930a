// Pages registered here (issue 11): /staff (the directory), /staff/new (add a person),
// /staff/:id/edit (change, deactivate or reactivate, set a password) and /teams. Each reads
// and writes through the API as the person at the desk, so the API decides what they may do
// (only an admin grants the admin role or sets a password) and its refusals are shown
// beside the fields they name, with what was typed kept and nothing written.
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv, CurrentUser } from "../deps.js";
import { load, send, dataOr, fieldErrors, type Answer, type Problem } from "./api.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { errorsFor, type FormErrors, type FormValues } from "./forms.js";
import { StaffList, StaffSchema } from "../staff/routes.js";
import { fmtMobile, ukMobile } from "../staff/mobile.js";
import { EditStaffPage, NewStaffPage, PERSON_FIELDS, StaffDirectoryPage, TeamsPage, type Confirm, type DirectoryQuery, type Person, type TeamLine } from "./pages/staff.js";

type Form = Record<string, string | string[]>;
const text = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
const staffPath = (id: string) => `/api/staff/${encodeURIComponent(id)}`;
const editPath = (id: string) => `/staff/${encodeURIComponent(id)}/edit`;
const Nothing = z.unknown();

async function everyone(c: Context<AppEnv>): Promise<Person[] | null> {
  return dataOr(await load(c, "/api/staff", StaffList))?.staff ?? null;
}

const teamNames = (people: Person[] | null) => [...new Set((people ?? []).map((p) => p.team).filter((t): t is string => !!t))].sort((a, b) => a.localeCompare(b));

// --- the directory ---

/** Who matches the directory's search: a name or email containing `q` (any case), the team, active or not. */
export function searchStaff(people: Person[], query: DirectoryQuery): Person[] {
  const q = query.q.trim().toLowerCase();
  return people.filter(
    (p) =>
      (!q || p.name.toLowerCase().includes(q) || p.email.includes(q)) &&
      (query.team === "" || (query.team === "-" ? p.team === null : p.team === query.team)) &&
      (query.status === "all" || p.active === (query.status === "active")),
  );
}

definePage("/staff", async (c, user) => {
  const status = c.req.query("status");
  const query: DirectoryQuery = {
    q: (c.req.query("q") ?? "").slice(0, 200),
    team: (c.req.query("team") ?? "").slice(0, 200),
    status: status === "inactive" || status === "all" ? status : "active",
  };
  const people = await everyone(c);
  return page(c, StaffDirectoryPage({ user, people: people && searchStaff(people, query), total: people?.length ?? 0, teams: teamNames(people), query }));
});

// --- a person's fields, from the form to the API's body ---

/** FTE as typed: a number ("0.6", "1"), or the text itself so the API refuses it at `fte` and writes nothing. */
function fteOf(raw: string): number | string | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  return /^\d*\.?\d+$/.test(s) ? Number(s) : s;
}

/** The API's messages for a person's fields, said plainly where the schema's own words are technical. */
function plainErrors(errors: FormErrors, form: Form): FormErrors {
  const out = { ...errors };
  if (out.name && !text(form.name).trim()) out.name = "Enter their name.";
  if (out.email) out.email = text(form.email).trim() ? (out.email.startsWith("Someone") ? out.email : "Enter an email address such as sam.jones@council.gov.uk.") : "Enter their email address.";
  if (out.mobile && !out.mobile.includes("UK mobile")) out.mobile = "Enter a UK mobile number, such as 07700 900123.";
  else if (out.mobile) out.mobile = out.mobile.replace(/^must/, "Must");
  if (out.roles && list(form.roles).length === 0) out.roles = "Choose at least one role.";
  if (out.fte) out.fte = "Enter the FTE as a number above 0 and at most 1, such as 0.6.";
  if (out.startDate) out.startDate = "Enter the start date as a date, such as 1 April 2025.";
  if (out.category) out.category = "Choose a category.";
  return out;
}

/**
 * A refusal of a person's details: the field errors beside their fields, and the refusals
 * that name no field (403 only an admin may…, 409 the email is taken, 422 the last admin)
 * beside the field they are about.
 */
function personErrors(problem: Problem | null, form: Form, fallback: string): FormErrors {
  const errors = plainErrors(errorsFor(fieldErrors(problem), PERSON_FIELDS), form);
  const detail = problem?.detail ?? problem?.title ?? fallback;
  if (Object.keys(errors).length) return errors;
  if (/admin role|last active admin|senior escalation list/i.test(detail)) return { roles: detail };
  if (/password/i.test(detail)) return { password: detail };
  if (/email/i.test(detail)) return { email: detail };
  return { "": detail };
}

/** The body of POST /api/staff from the add form: empty fields left out. */
export function newStaffBody(form: Form): Record<string, unknown> {
  const body: Record<string, unknown> = { name: text(form.name), email: text(form.email).trim(), roles: list(form.roles) };
  const optional = { team: text(form.team).trim(), category: text(form.category), startDate: text(form.startDate), mobile: text(form.mobile).trim(), password: text(form.password) };
  for (const [k, v] of Object.entries(optional)) if (v) body[k] = v;
  const fte = fteOf(text(form.fte));
  if (fte !== undefined) body.fte = fte;
  return body;
}

/**
 * The body of PATCH /api/staff/:id from the change form: only what differs from the record
 * (a change of roles signs the person out, so unchanged roles are not sent). An empty team,
 * start date or mobile clears it. A non-admin cannot see the admin role: a person who holds
 * it keeps it (the API refuses a non-admin who tries to change it either way).
 */
export function staffChanges(form: Form, person: Person, editor: CurrentUser): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const name = text(form.name);
  if (name.trim() !== person.name) out.name = name;
  const email = text(form.email).trim();
  if (email.toLowerCase() !== person.email) out.email = email;
  const roles = new Set(list(form.roles));
  if (!editor.roles.includes("admin") && person.roles.includes("admin")) roles.add("admin");
  if (roles.size !== person.roles.length || person.roles.some((r) => !roles.has(r))) out.roles = [...roles];
  const team = text(form.team).trim();
  if ((team || null) !== person.team) out.team = team || null;
  const category = text(form.category);
  if (category && category !== person.category) out.category = category;
  const startDate = text(form.startDate);
  if ((startDate || null) !== person.startDate) out.startDate = startDate || null;
  const fte = fteOf(text(form.fte));
  if (fte === undefined) out.fte = ""; // refused at `fte`: FTE cannot be left empty
  else if (fte !== person.fte) out.fte = fte;
  const mobile = text(form.mobile).trim();
  if (!mobile) {
    if (person.mobile !== null) out.mobile = null;
  } else if ((ukMobile(mobile) ?? mobile) !== person.mobile) out.mobile = mobile;
  return out;
}

function valuesOf(p: Person): FormValues {
  return { name: p.name, email: p.email, mobile: fmtMobile(p.mobile), roles: p.roles, team: p.team ?? "", category: p.category, startDate: p.startDate ?? "", fte: String(p.fte) };
}

// --- add a person ---

const newDefaults: FormValues = { category: "qualified", fte: "1" };

definePage("/staff/new", {
  get: async (c, user) => {
    const added = c.req.query("added");
    const [people, person] = await Promise.all([everyone(c), added ? load(c, staffPath(added), StaffSchema) : null]);
    return page(c, NewStaffPage({ user, values: newDefaults, errors: {}, teams: teamNames(people), added: person && dataOr(person) }));
  },
  post: async (c, user) => {
    const form = await formOf(c);
    const made = await send(c, "POST", "/api/staff", newStaffBody(form), StaffSchema);
    if (made.ok) return seeOther(c, `/staff/new?added=${encodeURIComponent(made.data.id)}`);
    const { password: _, ...values } = form;
    return page(c, NewStaffPage({ user, values, errors: personErrors(made.problem, form, "The person was not added."), teams: teamNames(await everyone(c)) }), made.status);
  },
});

// --- change a person ---

const EDIT_DONE: Record<string, (p: Person) => string> = {
  saved: (p) => `${p.name}'s details are saved.`,
  unchanged: () => "Nothing was changed.",
  deactivated: (p) => `${p.name} is deactivated. They cannot sign in; everything recorded about them is kept.`,
  reactivated: (p) => `${p.name} is active again and can sign in with their password.`,
  password: (p) => `${p.name}'s password is set and their sessions have ended. Give them the new password in person.`,
  unlocked: (p) => `${p.name} may try to sign in again at once.`,
};

async function personOf(c: Context<AppEnv>, id: string): Promise<Answer<Person>> {
  return load(c, staffPath(id), StaffSchema);
}

definePage("/staff/:id/edit", {
  get: async (c, user) => {
    const [found, people] = await Promise.all([personOf(c, c.req.param("id")), everyone(c)]);
    const person = dataOr(found);
    const confirm = c.req.query("confirm");
    const done = EDIT_DONE[c.req.query("done") ?? ""];
    return page(
      c,
      EditStaffPage({
        user,
        person,
        values: person ? valuesOf(person) : {},
        errors: {},
        teams: teamNames(people),
        confirm: confirm === "deactivate" || confirm === "reactivate" ? (confirm as Confirm) : undefined,
        notice: person && done ? done(person) : undefined,
      }),
    );
  },
  post: async (c, user) => {
    const id = c.req.param("id");
    const [form, found, people] = await Promise.all([formOf(c), personOf(c, id), everyone(c)]);
    const person = dataOr(found);
    const teams = teamNames(people);
    if (!person) return page(c, EditStaffPage({ user, person: null, values: {}, errors: {}, teams }), 404);
    const again = (errors: Parameters<typeof EditStaffPage>[0]["errors"], status: number, values: FormValues = valuesOf(person), confirm?: Confirm) =>
      page(c, EditStaffPage({ user, person, values, errors, teams, confirm }), status);
    const action = text(form._action);

    if (action === "save") {
      const changes = staffChanges(form, person, user);
      if (Object.keys(changes).length === 0) return seeOther(c, `${editPath(id)}?done=unchanged`);
      const saved = await send(c, "PATCH", staffPath(id), changes, StaffSchema);
      if (saved.ok) return seeOther(c, `${editPath(id)}?done=saved`);
      const { _action, password: _, ...values } = form;
      return again({ details: personErrors(saved.problem, form, "The changes were not saved.") }, saved.status, values);
    }
    if (action === "deactivate" || action === "reactivate") {
      const done = await send(c, "PATCH", staffPath(id), { active: action === "reactivate" }, StaffSchema);
      if (done.ok) return seeOther(c, `${editPath(id)}?done=${action}d`);
      return again({ status: { "": done.problem?.detail ?? done.problem?.title ?? "The status was not changed." } }, done.status, valuesOf(person), action);
    }
    if (action === "password") {
      const set = await send(c, "PUT", `${staffPath(id)}/password`, { password: text(form.password) }, Nothing);
      if (set.ok) return seeOther(c, `${editPath(id)}?done=password`);
      const errors = errorsFor(fieldErrors(set.problem), ["password"], set.problem?.detail);
      if (!text(form.password)) errors.password = "Enter the new password.";
      else if (errors.password?.startsWith("must")) errors.password = `The password ${errors.password}.`;
      return again({ password: Object.keys(errors).length ? errors : { "": "The password was not set." } }, set.status);
    }
    if (action === "unlock") {
      const done = await send(c, "POST", `${staffPath(id)}/unlock`, {}, Nothing);
      if (done.ok) return seeOther(c, `${editPath(id)}?done=unlocked`);
      return again({ password: { "": done.problem?.detail ?? "Signing in was not unlocked." } }, done.status);
    }
    return again({ details: { "": "Choose what to change." } }, 400);
  },
});

// --- teams ---

const MANAGER_ROLES: readonly string[] = ["manager", "senior_manager"];

/** Each team with its active and deactivated members and its active managers, by name; people in no team last. */
export function teamsOf(people: Person[]): TeamLine[] {
  const by = new Map<string | null, TeamLine>();
  for (const p of people) {
    const t = by.get(p.team) ?? { name: p.team, active: 0, inactive: 0, managers: [] };
    by.set(p.team, t);
    if (!p.active) {
      t.inactive++;
      continue;
    }
    t.active++;
    if (p.roles.some((r) => MANAGER_ROLES.includes(r))) t.managers.push({ id: p.id, name: p.name });
  }
  return [...by.values()].sort((a, b) => (a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name)));
}

definePage("/teams", async (c, user) => {
  const people = await everyone(c);
  return page(c, TeamsPage({ user, teams: people && teamsOf(people) }));
});
