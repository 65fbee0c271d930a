import { Layout } from "../layout.js";
import { ErrorSummary, Field, type FormErrors, type FormValues } from "../forms.js";

/**
 * The sign-in form. It posts to /login, which signs in without JavaScript (login-pages.tsx);
 * login.js, when it runs, signs in over the API instead and says "no signal" when offline.
 * `next` is where to go afterwards (a path on this site, checked again when it is used).
 */
export function LoginPage(props: { values?: FormValues; errors?: FormErrors; next?: string } = {}) {
  const values = props.values ?? {};
  const errors = props.errors ?? {};
  return (
    <Layout title="Sign in" scripts={["login.js"]}>
      <h1>Sign in</h1>
      <ErrorSummary errors={errors} title="You are not signed in" />
      <form id="login-form" class="card" method="post" action="/login" novalidate>
        {props.next && props.next !== "/" ? <input type="hidden" name="next" value={props.next} /> : null}
        <Field name="email" label="Email" type="email" autocomplete="username" inputmode="email" required values={values} errors={errors} />
        <Field name="password" label="Password" type="password" autocomplete="current-password" required values={values} errors={errors} />
        <p id="login-error" class="error" role="alert"></p>
        <div class="form-actions">
          <button type="submit" class="full">
            Sign in
          </button>
        </div>
      </form>
      <p class="hint">Dutyline: AMHP duty, lone-working check-ins and alerts. Ask your administrator if you cannot sign in.</p>
    </Layout>
  );
}
