// My details, /me (issue 11): anyone signed in reads their own record (GET /api/staff/:id,
// which anyone may read for themselves), changes their own mobile (PATCH /api/me; empty
// clears it) and their own password (PUT /api/me/password; this session stays, the others
// end). A refusal shows the API's error beside the field it names, the number as typed
// kept, nothing written. API tokens stay on /admin/tokens: the API lists them to admins only.
// "Test your alerts": a test push, text (and email, when on) to oneself (POST
// /api/me/test-message), the result as a notice saying what to expect.
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv, CurrentUser } from "../deps.js";
import { load, send, dataOr, fieldErrors } from "./api.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { errorsFor, type FormErrors, type FormValues } from "./forms.js";
import { StaffSchema } from "../staff/routes.js";
import { fmtMobile } from "../staff/mobile.js";
import { MePage } from "./pages/me.js";
import { TestMessageResult } from "../lone-working/alerts/drill-routes.js";
import { TEST_CHANNELS, TEST_STATUSES, testDetail, type TestChannel, type TestStatus } from "../lone-working/alerts/drills.js";
import { notifyState } from "../lone-working/delivery/channels/notify/index.js";

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
const Nothing = z.unknown();

const DONE: Record<string, string> = {
  mobile: "Your mobile number is saved.",
  "mobile-cleared": "Your mobile number is removed. Alerts will not be texted to you.",
  password: "Your password is changed. You are still signed in here, and signed out everywhere else.",
};

/** Which test buttons there are, and what the page says of text and email being off (the setting's name only to admins). */
function TestMessages(props: { sms: boolean; email: boolean; why: string | null; result?: { text: string; refused: boolean } }) {
  return (
    <section aria-labelledby="tests-h" id="test-messages">
      <h2 id="tests-h">Test your alerts</h2>
      <p>Send yourself a test to check that lone-working alerts reach you. You can send up to 3 of each kind in 10 minutes.</p>
      {props.result ? (
        <p class={props.result.refused ? "notice bad" : "notice"} role="status" id="test-result">
          {props.result.text}
        </p>
      ) : null}
      {!props.sms ? <p class="hint">Text messages are not set up on this service yet, so a test text sends nothing: alerts reach you by push only. {props.why ?? ""}</p> : null}
      <form method="post" action="/me#test-messages" class="card me-form">
        <input type="hidden" name="_action" value="test" />
        <div class="form-actions">
          <button type="submit" name="channel" value="push">
            Send me a test push
          </button>
          <button type="submit" name="channel" value="sms" class="secondary">
            Send me a test text
          </button>
          {props.email ? (
            <button type="submit" name="channel" value="email" class="secondary">
              Send me a test email
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

async function render(
  c: Context<AppEnv>,
  user: CurrentUser,
  opts: { values?: FormValues; errors?: { mobile?: FormErrors; password?: FormErrors }; notice?: string; test?: { text: string; refused: boolean }; status?: number },
) {
  const person = dataOr(await load(c, `/api/staff/${encodeURIComponent(user.id)}`, StaffSchema));
  const values = opts.values ?? { mobile: fmtMobile(person?.mobile) };
  const state = notifyState(c.get("deps"));
  const view = MePage({ user, person, values, errors: opts.errors ?? {}, notice: opts.notice, extra: TestMessages({ sms: state.sms, email: state.email, why: user.roles.includes("admin") ? state.why : "Ask your administrator to set up GOV.UK Notify.", result: opts.test }) });
  return page(c, view, opts.status ?? 200);
}

/** `?test=sms:sent` → the sentence saying what happened and what to expect. */
function testNotice(c: Context<AppEnv>): { text: string; refused: boolean } | undefined {
  const [channel, status] = (c.req.query("test") ?? "").split(":");
  if (!TEST_CHANNELS.includes(channel as TestChannel) || !TEST_STATUSES.includes(status as TestStatus)) return undefined;
  return { text: testDetail(channel as TestChannel, status as TestStatus, notifyState(c.get("deps")).why), refused: status !== "sent" };
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
  get: (c, user) => render(c, user, { notice: DONE[c.req.query("done") ?? ""], test: testNotice(c) }),
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
    if (action === "test") {
      const channel = text(form.channel);
      const done = await send(c, "POST", "/api/me/test-message", { channel }, TestMessageResult);
      if (done.ok) return seeOther(c, `/me?test=${done.data.channel}:${done.data.status}#test-messages`);
      const refusal = done.status === 429 ? (done.problem?.detail ?? "Too many tests: wait a few minutes.") : (done.problem?.detail ?? "The test was not sent. Try again.");
      return render(c, user, { test: { text: refusal, refused: true }, status: done.status });
    }
    return render(c, user, { errors: { mobile: { "": "That form is not one this page knows. Try again." } }, status: 400 });
  },
});
