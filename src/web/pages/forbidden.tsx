import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";

export function ForbiddenPage({ user, what }: { user: CurrentUser; what: string }) {
  return (
    <Layout title="Not for your role" user={user}>
      <h1>Not for your role</h1>
      <p>{what}</p>
      <p>
        <a href="/">Back to my duty</a>
      </p>
    </Layout>
  );
}
