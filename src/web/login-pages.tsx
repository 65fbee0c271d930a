// Signing in (issue 11: the form posts without JavaScript too).
import { definePage, page } from "./define-page.js";
import { LoginPage } from "./pages/login.js";

definePage("/login", (c) => page(c, LoginPage()));
