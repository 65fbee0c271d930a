// Pages registered here (issue 11): /staff /staff/new /staff/:id/edit /teams. Placeholders until built.
import { definePage, page } from "./define-page.js";
import { Layout } from "./layout.js";

definePage("/staff", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
definePage("/staff/new", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
definePage("/staff/:id/edit", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
definePage("/teams", (c, user) => page(c, <Layout title="Not built yet" user={user}><h1>Not built yet</h1></Layout>));
