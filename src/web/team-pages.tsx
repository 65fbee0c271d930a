// Pages registered here (issue 11): /team /swaps. Placeholders until built.
import { definePage, page } from "./define-page.js";
import { Layout } from "./layout.js";

definePage("/team", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
definePage("/swaps", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
