// My details, /me (issue 11): anyone signed in reads their own record (GET /api/staff/:id,
// which anyone may read for themselves), changes their own mobile (PATCH /api/me; empty
// clears it) and their own password (PUT /api/me/password; this session stays, the others
// end). A refusal shows the API's error beside the field it names, the number as typed
// kept, nothing written. API tokens stay on /admin/tokens: the API lists them to admins only.
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv, CurrentUser } from "../deps.js";
import { load, send, dataOr, fieldErrors } from "./api.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { errorsFor, type FormErrors, type FormValues } from "./forms.js";
import { StaffSchema } from "../staff/routes.js";
import { fmtMobile } from "../staff/mobile.js";
import { MePage } from "./pages/me.js";

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
const Nothing = z.unknown();

const DONE: Record<string, string> = {
  mobile: "Your mobile number is saved.",
  "mobile-cleared": "Your mobile number is removed. Alerts will not be texted to you.",
  password: "Your password is changed. You are still signed in here, and signed out everywhere else.",
};

async function render(c: Context<AppEnv>, user: CurrentUser, opts: { values?: FormValues; errors?: { mobile?: FormErrors; password?: FormErrors }; notice?: string; status?: number }) {
  const person = dataOr(await load(c, `/api/staff/${encodeURIComponent(user.id)}`, StaffSchema));
  const values = opts.values ?? { mobile: fmtMobile(person?.mobile) };
  return page(c, MePage({ user, person, values, errors: opts.errors ?? {}, notice: opts.notice }), opts.status ?? 200);
}

/** The API's words for the password fields, said as a sentence about the field. */
function passwordErrors(errors: FormErrors, form: Record<string, string | string[]>): FormErrors {
  const out = { ...errors };
  if (!text(form.currentPassword)) out.currentPassword = "Enter your current password.";
  else if (out.currentPassword === "wrong password") out.currentPassword = "Your current password is wrong.";
  if (!text(form.newPassword)) out.newPassword = "Enter a new password.";
  else if (out.newPassword && /^(must|is) /.test(out.newPassword)) out.newPassword = `The new password ${out.newPassword}.`;
  return out;
}

definePage("/me", {
  get: (c, user) => render(c, user, { notice: DONE[c.req.query("done") ?? ""] }),
  post: async (c, user) => {
    const form = await formOf(c);
    const action = text(form._action);
    if (action === "mobile") {
      const typed = text(form.mobile).trim();
      const done = await send(c, "PATCH", "/api/me", { mobile: typed === "" ? null : typed }, StaffSchema);
      if (done.ok) return seeOther(c, `/me?done=${done.data.mobile ? "mobile" : "mobile-cleared"}#mobile`);
      const errors = errorsFor(fieldErrors(done.problem), ["mobile"], done.problem?.detail ?? "Your mobile number was not changed.");
      if (errors.mobile?.startsWith("must")) errors.mobile = `The number ${errors.mobile}.`;
      return render(c, user, { values: { mobile: typed }, errors: { mobile: errors }, status: done.status });
    }
    if (action === "password") {
      const body = { currentPassword: text(form.currentPassword), newPassword: text(form.newPassword) };
      const done = await send(c, "PUT", "/api/me/password", body, Nothing);
      if (done.ok) return seeOther(c, "/me?done=password#password");
      const errors = passwordErrors(errorsFor(fieldErrors(done.problem), ["currentPassword", "newPassword"], done.problem?.detail ?? "Your password was not changed."), form);
      return render(c, user, { errors: { password: errors }, status: done.status });
    }
    return render(c, user, { errors: { mobile: { "": "That form is not one this page knows. Try again." } }, status: 400 });
  },
});
