import { Layout } from "../layout.js";

export function LoginPage() {
  return (
    <Layout title="Sign in" scripts={["login.js"]}>
      <h1>Sign in</h1>
      <form id="login-form" class="card" method="post" action="/login" novalidate>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" inputmode="email" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
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
