// My details (issue 11): every signed-in person's own page. Their name, email, roles and
// team as the staff directory holds them (changed by HR or an administrator, so read-only
// here); their mobile number, which they keep up to date themselves (the number the
// escalation texts); and their own password. The handlers are in ../me-pages.tsx.
import type { Child } from "hono/jsx";
import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";
import { ErrorSummary, Field, Notice, type FormErrors, type FormValues } from "../forms.js";
import { CATEGORY_WORDS, ROLE_WORDS, type Person } from "./staff.js";

export function MePage(props: {
  user: CurrentUser;
  /** Null: the API did not give the person's own record (shown as "not available"). */
  person: Person | null;
  values: FormValues;
  /** Errors of the form that was sent: "mobile" or "password". */
  errors: { mobile?: FormErrors; password?: FormErrors };
  notice?: string;
  /** More sections at the end of the page (the test messages). */
  extra?: Child;
}) {
  const { user, person } = props;
  const e = props.errors;
  const roles = user.roles.map((r) => ROLE_WORDS[r]).join(", ");
  return (
    <Layout title="My details" user={user} current="/me">
      <h1>My details</h1>
      <Notice text={props.notice} />

      <section aria-labelledby="about-h" class="card">
        <h2 id="about-h">About you</h2>
        <dl class="alarm-facts">
          <dt>Name</dt>
          <dd>{person?.name ?? user.name}</dd>
          <dt>Email</dt>
          <dd>{person?.email ?? user.email}</dd>
          <dt>Roles</dt>
          <dd>{roles}</dd>
          <dt>Team</dt>
          <dd>{person ? (person.team ?? "No team") : "Not available"}</dd>
          {person ? (
            <>
              <dt>Category</dt>
              <dd>{CATEGORY_WORDS[person.category]}</dd>
            </>
          ) : null}
        </dl>
        <p class="hint">To change your name, email, roles or team, ask HR or an administrator.</p>
      </section>

      <section aria-labelledby="mobile-h" id="mobile">
        <h2 id="mobile-h">Your mobile number</h2>
        <ErrorSummary errors={e.mobile ?? {}} title="Your mobile number was not changed" form="mobile" />
        <form method="post" action="/me#mobile" class="card me-form" novalidate>
          <input type="hidden" name="_action" value="mobile" />
          <Field
            name="mobile"
            label="Mobile"
            type="tel"
            autocomplete="tel"
            inputmode="tel"
            form="mobile"
            values={props.values}
            errors={e.mobile ?? {}}
            hint="A UK mobile number, such as 07700 900123. Alerts are texted to it when you do not answer on the app. Leave it empty to remove it."
          />
          <div class="form-actions">
            <button type="submit">Save mobile</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="password-h" id="password">
        <h2 id="password-h">Your password</h2>
        <ErrorSummary errors={e.password ?? {}} title="Your password was not changed" form="password" />
        <form method="post" action="/me#password" class="card me-form" novalidate>
          <input type="hidden" name="_action" value="password" />
          <Field name="currentPassword" label="Current password" type="password" autocomplete="current-password" form="password" values={{}} errors={e.password ?? {}} />
          <Field
            name="newPassword"
            label="New password"
            type="password"
            autocomplete="new-password"
            form="password"
            values={{}}
            errors={e.password ?? {}}
            hint="At least 12 characters, not a common one. You stay signed in here; you are signed out everywhere else."
          />
          <div class="form-actions">
            <button type="submit">Change password</button>
          </div>
        </form>
      </section>

      {user.roles.includes("admin") ? (
        <p class="hint">
          API tokens for scripts are made and revoked in <a href="/admin/tokens">Admin, API tokens</a>.
        </p>
      ) : null}
      {props.extra}
    </Layout>
  );
}
