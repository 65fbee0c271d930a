// Staff and teams (admin, HR; managers read): the directory, adding a person, changing
// their details, deactivating and reactivating them (never deleting), setting a password,
// and the teams. The handlers are in ../staff-pages.tsx; everything shown is what the API
// gave the person looking.
import type { z } from "@hono/zod-openapi";
import type { CurrentUser } from "../../deps.js";
import type { StaffSchema } from "../../staff/routes.js";
import { CATEGORIES, ROLES, type Category, type Role } from "../../staff/schema.js";
import { fmtMobile } from "../../staff/mobile.js";
import { Layout } from "../layout.js";
import { Checkboxes, ErrorSummary, Field, Notice, Select, type FormErrors, type FormValues } from "../forms.js";

export type Person = z.output<typeof StaffSchema>;

export const ROLE_WORDS: Record<Role, string> = {
  amhp: "AMHP",
  social_worker: "Social worker",
  manager: "Team manager",
  senior_manager: "Senior manager",
  hr: "HR",
  admin: "Administrator",
};

export const CATEGORY_WORDS: Record<Category, string> = {
  asye: "ASYE (first year in practice)",
  qualified: "Qualified social worker",
  manager: "Manager",
  other: "Other",
};

const rolesOf = (p: Person) => p.roles.map((r) => ROLE_WORDS[r]).join(", ");
const isAdmin = (u: CurrentUser) => u.roles.includes("admin");
const mayWrite = (u: CurrentUser) => u.roles.includes("admin") || u.roles.includes("hr");
const staffHref = (id: string) => `/staff/${encodeURIComponent(id)}`;

function Mobile({ number }: { number: string | null }) {
  return number ? <a href={`tel:${number}`}>{fmtMobile(number)}</a> : <span class="hint">none</span>;
}

// --- the directory ---

export interface DirectoryQuery {
  q: string;
  /** A team's name; "-" for people in no team; "" for every team. */
  team: string;
  status: "active" | "inactive" | "all";
}

export function StaffDirectoryPage(props: { user: CurrentUser; people: Person[] | null; total: number; teams: string[]; query: DirectoryQuery }) {
  const { user, people, query } = props;
  const values: FormValues = { ...query };
  const teamOptions: [string, string][] = [...props.teams.map((t): [string, string] => [t, t]), ["-", "No team"]];
  return (
    <Layout title="Staff" user={user} current="/staff">
      <h1>Staff</h1>
      <p class="actions">
        {mayWrite(user) ? (
          <a class="button" href="/staff/new">
            Add a person
          </a>
        ) : null}
        <a class="button secondary" href="/teams">
          Teams
        </a>
      </p>
      <form method="get" action="/staff" class="filters card" role="search" aria-label="Find a person">
        <Field name="q" label="Name or email" type="search" values={values} errors={{}} autocomplete="off" />
        <Select name="team" label="Team" blank="Every team" options={teamOptions} values={values} errors={{}} />
        <Select
          name="status"
          label="Status"
          options={[
            ["active", "Active"],
            ["inactive", "Deactivated"],
            ["all", "Everyone"],
          ]}
          values={values}
          errors={{}}
        />
        <div class="form-actions">
          <button type="submit">Search</button>
        </div>
      </form>
      {people === null ? (
        <p class="notice bad">The staff directory could not be loaded. Try again in a moment.</p>
      ) : (
        <>
          <p role="status" id="staff-count">
            {people.length === 0 ? "Nobody matches." : `${people.length} ${people.length === 1 ? "person" : "people"}`}
            {people.length !== props.total ? ` of ${props.total}` : ""}.
          </p>
          {people.length ? (
            <div class="table-wrap">
              <table class="staff-table">
                <caption class="visually-hidden">Staff matching the search</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Team</th>
                    <th scope="col">Roles</th>
                    <th scope="col">Mobile</th>
                    <th scope="col">Email</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <tr data-staff-id={p.id}>
                      <th scope="row">
                        <a href={staffHref(p.id)}>{p.name}</a>
                        {mayWrite(user) ? (
                          <>
                            {" "}
                            <a class="edit-link" href={`${staffHref(p.id)}/edit`}>
                              Change<span class="visually-hidden"> {p.name}'s details</span>
                            </a>
                          </>
                        ) : null}
                      </th>
                      <td data-label="Team">{p.team ?? <span class="hint">no team</span>}</td>
                      <td data-label="Roles">{rolesOf(p)}</td>
                      <td data-label="Mobile">
                        <Mobile number={p.mobile} />
                      </td>
                      <td data-label="Email" class="email">
                        {p.email}
                      </td>
                      <td data-label="Status">{p.active ? "Active" : <span class="tag warn">Deactivated</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      )}
    </Layout>
  );
}

// --- a person's details (add and change share the fields) ---

export const PERSON_FIELDS = ["name", "email", "mobile", "roles", "team", "category", "startDate", "fte", "password"] as const;

function PersonFields(props: { user: CurrentUser; values: FormValues; errors: FormErrors; teams: string[]; heldAdmin?: boolean }) {
  const { values, errors } = props;
  // Only an admin may grant (or take away) the admin role: nobody else is offered it.
  const roles = ROLES.filter((r) => r !== "admin" || isAdmin(props.user)).map((r): [string, string] => [r, ROLE_WORDS[r]]);
  const teamHint = props.teams.length ? `An existing team (${props.teams.join(", ")}) or a new name, which makes the team.` : "A new name makes the team.";
  return (
    <>
      <Field name="name" label="Name" values={values} errors={errors} required autocomplete="off" />
      <Field name="email" label="Email" type="email" inputmode="email" values={values} errors={errors} required autocomplete="off" hint="Their work email: they sign in with it." />
      <Field name="mobile" label="Mobile" type="tel" inputmode="tel" values={values} errors={errors} autocomplete="off" hint="A UK mobile, such as 07700 900123. Alarms are texted to it." />
      <Checkboxes name="roles" legend="Roles" options={roles} values={values} errors={errors} hint={props.heldAdmin && !isAdmin(props.user) ? "They are also an administrator; only an administrator can change that." : undefined} />
      <Field name="team" label="Team" values={values} errors={errors} hint={teamHint} autocomplete="off" />
      <Select name="category" label="Category" options={CATEGORIES.map((c): [string, string] => [c, CATEGORY_WORDS[c]])} values={values} errors={errors} />
      <Field name="startDate" label="Start date" type="date" values={values} errors={errors} hint="The day they started in the service (optional)." />
      <Field name="fte" label="FTE (full-time equivalent)" inputmode="decimal" values={values} errors={errors} hint="1 is full time; 0.6 is three days a week." />
    </>
  );
}

export function NewStaffPage(props: { user: CurrentUser; values: FormValues; errors: FormErrors; teams: string[]; added?: Person | null }) {
  const { user, values, errors, added } = props;
  return (
    <Layout title="Add a person" user={user} current="/staff">
      <p>
        <a href="/staff">Staff</a>
      </p>
      <h1>Add a person</h1>
      {added ? (
        <div class="notice good" role="status" id="added">
          <p>
            <strong>{added.name}</strong> is added{added.team ? ` to ${added.team}` : ""}.{" "}
            {added.canSignIn ? "They can sign in now with the password you set." : "They cannot sign in until an administrator sets their password."}
          </p>
          <p class="actions">
            <a href={staffHref(added.id)}>Open {added.name}'s record</a>
            <a href={`${staffHref(added.id)}/edit`}>Change their details</a>
          </p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} />
      <form method="post" action="/staff/new" class="card person-form" novalidate>
        <PersonFields user={user} values={values} errors={errors} teams={props.teams} />
        {isAdmin(user) ? (
          <Field name="password" label="First password (optional)" type="password" autocomplete="new-password" values={values} errors={errors} hint="At least 12 characters. Leave it empty to set it later. Give it to them in person." />
        ) : (
          <p class="hint">An administrator sets their first password before they can sign in.</p>
        )}
        <div class="form-actions">
          <button type="submit">Add</button>
        </div>
      </form>
    </Layout>
  );
}

export type Confirm = "deactivate" | "reactivate";

export function EditStaffPage(props: {
  user: CurrentUser;
  person: Person | null;
  values: FormValues;
  /** Errors of the form that was sent: "details", "status" or "password". */
  errors: { details?: FormErrors; status?: FormErrors; password?: FormErrors };
  teams: string[];
  confirm?: Confirm;
  notice?: string;
}) {
  const { user, person } = props;
  if (!person) {
    return (
      <Layout title="Not found" user={user} current="/staff">
        <h1>Nobody with that id</h1>
        <p>
          This person is not on record. Find them in the <a href="/staff">staff directory</a>.
        </p>
      </Layout>
    );
  }
  const e = props.errors;
  const base = `${staffHref(person.id)}/edit`;
  return (
    <Layout title={`Change ${person.name}'s details`} user={user} current="/staff">
      <p>
        <a href="/staff">Staff</a> · <a href={staffHref(person.id)}>{person.name}'s record</a>
      </p>
      <h1>Change {person.name}'s details</h1>
      <Notice text={props.notice} />
      {!person.active ? <p class="notice warn">{person.name} is deactivated: they cannot sign in. Their records are kept.</p> : null}

      <section aria-labelledby="details-h">
        <h2 id="details-h">Details</h2>
        <ErrorSummary errors={e.details ?? {}} />
        <form method="post" action={base} class="card person-form" novalidate>
          <input type="hidden" name="_action" value="save" />
          <PersonFields user={user} values={props.values} errors={e.details ?? {}} teams={props.teams} heldAdmin={person.roles.includes("admin")} />
          <div class="form-actions">
            <button type="submit">Save changes</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="status-h" id="status">
        <h2 id="status-h">{person.active ? "Deactivate" : "Reactivate"}</h2>
        <ErrorSummary errors={e.status ?? {}} title="The status was not changed" />
        {props.confirm === "deactivate" && person.active ? (
          <div class="card confirm" id="confirm">
            <p>
              <strong>Deactivate {person.name}?</strong> They are signed out at once and cannot sign in. Nothing is deleted: their records, past shifts and the audit log stay, and you can reactivate them later. Check the rota for
              shifts they were to work.
            </p>
            <form method="post" action={base} class="actions">
              <input type="hidden" name="_action" value="deactivate" />
              <button type="submit" class="danger">
                Yes, deactivate
              </button>
              <a class="button secondary" href={base}>
                No, keep them active
              </a>
            </form>
          </div>
        ) : props.confirm === "reactivate" && !person.active ? (
          <div class="card confirm" id="confirm">
            <p>
              <strong>Reactivate {person.name}?</strong> They can sign in again with their password, and can be put on the rota again.
            </p>
            <form method="post" action={base} class="actions">
              <input type="hidden" name="_action" value="reactivate" />
              <button type="submit">Yes, reactivate</button>
              <a class="button secondary" href={base}>
                No, leave them deactivated
              </a>
            </form>
          </div>
        ) : (
          <form method="get" action={`${base}#confirm`} class="card">
            <p>
              {person.active
                ? "A person who leaves is deactivated, never deleted: they can no longer sign in, and everything recorded about them stays."
                : "Reactivating lets them sign in again."}
            </p>
            <input type="hidden" name="confirm" value={person.active ? "deactivate" : "reactivate"} />
            <button type="submit" class={person.active ? "danger" : undefined}>
              {person.active ? "Deactivate" : "Reactivate"}
            </button>
          </form>
        )}
      </section>

      <section aria-labelledby="password-h" id="password">
        <h2 id="password-h">Password</h2>
        <p>{person.canSignIn ? "They have a password." : "They have no password yet, so they cannot sign in."}</p>
        {isAdmin(user) ? (
          <>
            <ErrorSummary errors={e.password ?? {}} title="The password was not set" />
            <form method="post" action={`${base}#password`} class="card" novalidate>
              <input type="hidden" name="_action" value="password" />
              <Field
                name="password"
                label="New password"
                type="password"
                autocomplete="new-password"
                values={{}}
                errors={e.password ?? {}}
                hint="At least 12 characters. Their sessions end, and any lock on signing in is cleared. Give it to them in person (a new starter's first password too)."
              />
              <div class="form-actions">
                <button type="submit">Set password</button>
              </div>
            </form>
            <form method="post" action={`${base}#password`} class="actions">
              <input type="hidden" name="_action" value="unlock" />
              <button type="submit" class="secondary">
                Unlock signing in
              </button>
              <span class="hint">After too many wrong passwords, lets them try again at once.</span>
            </form>
          </>
        ) : (
          <p class="hint">Only an administrator can set a password.</p>
        )}
      </section>
    </Layout>
  );
}

// --- teams ---

export interface TeamLine {
  /** null: people in no team. */
  name: string | null;
  active: number;
  inactive: number;
  managers: { id: string; name: string }[];
}

export function TeamsPage(props: { user: CurrentUser; teams: TeamLine[] | null }) {
  const { user, teams } = props;
  return (
    <Layout title="Teams" user={user} current="/staff">
      <p>
        <a href="/staff">Staff</a>
      </p>
      <h1>Teams</h1>
      {teams === null ? (
        <p class="notice bad">The teams could not be loaded. Try again in a moment.</p>
      ) : teams.length === 0 ? (
        <p>No teams yet. A team is made when someone is added to it.</p>
      ) : (
        <div class="table-wrap">
          <table class="teams-table">
            <caption class="visually-hidden">Teams, their members and managers</caption>
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Active members</th>
                <th scope="col">Managers</th>
                <th scope="col">Deactivated</th>
              </tr>
            </thead>
            <tbody>
              {teams.map((t) => (
                <tr>
                  <th scope="row">
                    <a href={`/staff?team=${encodeURIComponent(t.name ?? "-")}`}>{t.name ?? "No team"}</a>
                  </th>
                  <td data-label="Active members">{t.active}</td>
                  <td data-label="Managers">
                    {t.managers.length ? (
                      t.managers.map((m, i) => (
                        <>
                          {i ? ", " : ""}
                          <a href={staffHref(m.id)}>{m.name}</a>
                        </>
                      ))
                    ) : (
                      <span class="tag warn">No manager</span>
                    )}
                  </td>
                  <td data-label="Deactivated">{t.inactive}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
