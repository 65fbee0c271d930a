import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";

/** Our fault, said plainly: the log holds what went wrong under the request id. */
export function ServerErrorPage({ user, requestId }: { user?: CurrentUser; requestId: string }) {
  return (
    <Layout title="Something went wrong" user={user}>
      <h1>Something went wrong</h1>
      <p>This page could not be shown. It is our fault, not yours. Try again in a minute; if it keeps happening, tell the service desk this reference: {requestId}.</p>
      <p>
        <a href="/">Back to my duty</a>
      </p>
    </Layout>
  );
}
