// Pages registered here (issue 11): /admin/policy /admin/tokens /admin/audit. Placeholders until built.
import { definePage, page } from "./define-page.js";
import { Layout } from "./layout.js";

definePage("/admin/policy", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
definePage("/admin/tokens", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
definePage("/admin/audit", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
