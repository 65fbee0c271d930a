// The admin pages (issue 11): /admin/policy, /admin/tokens, /admin/audit. Each reads and
// writes through the API as the admin who opened it (web/api.ts); the API decides.
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv, CurrentUser } from "../deps.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { dataOr, fieldErrors, load, send } from "./api.js";
import { Checkboxes, Field, errorsFor, type FormErrors, type FormValues } from "./forms.js";
import { AuditPage, PolicyPage, TokensPage, type PolicyView } from "./pages/admin.js";
import { PolicySchema } from "../lone-working/alerts/routes.js";
import { TokenList, TokenMade } from "../auth/routes.js";
import { AuditList, VerifyResult } from "../audit/routes.js";
import { StaffList } from "../staff/routes.js";
import { parseCheckpoint } from "../audit/chain.js";
import { STEP_CHANNELS } from "../lone-working/escalation/policy.js";
import { notifyState } from "../lone-working/delivery/channels/notify/index.js";

const tzOf = (c: Context<AppEnv>) => c.get("deps").config.TZ_LOCAL;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
const people = async (c: Context<AppEnv>) => dataOr(await load(c, "/api/staff", StaffList))?.staff ?? null;

/** A form's number: empty → absent (the API says it is needed), otherwise the number typed (or the text, for the API to refuse). */
const numberOr = (s: string): number | string | undefined => {
  const t = s.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
};

/** zod's words for a number field, in the words a person reads. */
function plain(message: string): string {
  if (/expected number, received (undefined|null|NaN)/.test(message)) return "Enter a number";
  if (/expected number, received string/.test(message)) return "Enter a number (digits only)";
  if (/expected int/.test(message)) return "Enter a whole number";
  const small = /Too small: expected number to be >=?(-?\d+)/.exec(message);
  if (small) return `Must be ${small[1]} or more`;
  const big = /Too big: expected number to be <=?(-?\d+)/.exec(message);
  if (big) return `Must be ${big[1]} or less`;
  return message;
}
const plainAll = (errors: FormErrors) => Object.fromEntries(Object.entries(errors).map(([k, m]) => [k, plain(m)]));

// ---------------------------------------------------------------------------------------
// /admin/policy

const DONE_POLICY: Record<string, string> = { saved: "Policy saved. New alerts use it; alerts already raised keep theirs." };

// The ladder as stored may have an empty senior list (the default, before an admin sets it):
// the page reads it with the route's schema, minus the rule a save must meet.
const PolicyRead = PolicySchema.extend({ seniorStaffIds: z.array(z.string()) });
type PolicyOut = z.output<typeof PolicyRead>;

function policyValues(p: PolicyOut): { rows: number; values: FormValues } {
  const values: FormValues = {
    panicStartsAtStep: String(p.panicStartsAtStep),
    receiptTimeoutSeconds: String(p.receiptTimeoutSeconds),
    reminderAfterSeconds: String(p.reminderAfterSeconds),
    smsAfterSeconds: String(p.smsAfterSeconds),
    seniorStaffIds: p.seniorStaffIds,
  };
  p.steps.forEach((s, i) => {
    values[`steps.${i}.afterSeconds`] = String(s.afterSeconds);
    values[`steps.${i}.notify`] = s.notify;
    values[`steps.${i}.repeatEverySeconds`] = s.repeatEverySeconds === undefined ? "" : String(s.repeatEverySeconds);
    values[`steps.${i}.considerPolice`] = s.considerPolice ? "true" : "";
    values[`steps.${i}.channels`] = s.channels ?? [];
  });
  return { rows: p.steps.length, values };
}

const STEP_FIELDS = ["afterSeconds", "notify", "repeatEverySeconds", "considerPolice"] as const;

/** The step rows as sent (renumbered from 0 in the order shown), and the other fields. Channels: the boxes ticked (none: the default). */
function stepsOf(form: Record<string, string | string[]>) {
  const indices = [...new Set(Object.keys(form).map((k) => /^steps\.(\d{1,2})\./.exec(k)?.[1]).filter((x): x is string => x !== undefined).map(Number))].sort((a, b) => a - b).slice(0, 20);
  return indices.map((i) => ({ ...(Object.fromEntries(STEP_FIELDS.map((f) => [f, one(form[`steps.${i}.${f}`])])) as Record<(typeof STEP_FIELDS)[number], string>), channels: many(form[`steps.${i}.channels`]) }));
}

function valuesOf(steps: ReturnType<typeof stepsOf>, form: Record<string, string | string[]>): FormValues {
  const senior = [...new Set([...many(form.seniorStaffIds), one(form.seniorAdd)].filter((s) => s !== ""))];
  const values: FormValues = {
    panicStartsAtStep: one(form.panicStartsAtStep),
    receiptTimeoutSeconds: one(form.receiptTimeoutSeconds),
    reminderAfterSeconds: one(form.reminderAfterSeconds),
    smsAfterSeconds: one(form.smsAfterSeconds),
    seniorStaffIds: senior,
  };
  steps.forEach((s, i) => {
    for (const f of STEP_FIELDS) values[`steps.${i}.${f}`] = s[f];
    values[`steps.${i}.channels`] = s.channels;
  });
  return values;
}

const CHANNEL_LABELS: Record<(typeof STEP_CHANNELS)[number], string> = { push: "Push", sms: "Text", email: "Email" };

/** Per step, how it reaches people (Push / Text / Email; none ticked: the default), and when a text follows an unseen push. */
function ChannelsSection(props: { rows: number; values: FormValues; errors: FormErrors; notify: { sms: boolean; email: boolean; why: string | null } }) {
  const off = [!props.notify.sms ? "Text messages are off" : "", !props.notify.email ? "Email is off" : ""].filter(Boolean);
  return (
    <section aria-labelledby="channels-h">
      <h2 id="channels-h">Channels</h2>
      <p class="hint">
        How each step reaches people. Tick none for the default: push and text for a manager step, push only for the worker step. A text goes at once to someone with no push subscription, and
        on the police step; otherwise after "Text after" unless their push was shown by then.
        {off.length ? ` ${off.join(" and ")} on this service, so those boxes have no effect until GOV.UK Notify is set up. ${props.notify.why ?? ""}` : ""}
      </p>
      {[...Array(props.rows).keys()].map((i) => (
        <Checkboxes name={`steps.${i}.channels`} legend={`Step ${i}: channels`} options={STEP_CHANNELS.map((ch) => [ch, CHANNEL_LABELS[ch]] as const)} values={props.values} errors={props.errors} />
      ))}
      <Field
        name="smsAfterSeconds"
        label="Text after (seconds)"
        type="number"
        inputmode="numeric"
        min="0"
        max="3600"
        step="1"
        hint="On a step with text, someone whose push is not shown on their phone within this time is texted."
        values={props.values}
        errors={props.errors}
      />
    </section>
  );
}

const policyView = async (c: Context<AppEnv>, user: CurrentUser, rows: number, values: FormValues, errors: FormErrors = {}, extra: Partial<PolicyView> = {}) => {
  const extraFields = ChannelsSection({ rows, values, errors, notify: notifyState(c.get("deps")) });
  return PolicyPage({ user, tz: tzOf(c), rows, values, errors, people: await people(c), extraFields, ...extra });
};

definePage("/admin/policy", {
  get: async (c, user) => {
    const res = await load(c, "/api/escalation-policy", PolicyRead);
    if (!res.ok) return page(c, await policyView(c, user, 1, {}, {}, { loadProblem: `The policy could not be loaded (${res.status}).` }), res.status);
    const { rows, values } = policyValues(res.data);
    return page(c, await policyView(c, user, rows, values, {}, { notice: DONE_POLICY[c.req.query("done") ?? ""] }));
  },
  post: async (c, user) => {
    const form = await formOf(c);
    const action = one(form._action) || "save";
    let steps = stepsOf(form);
    let panic = one(form.panicStartsAtStep);
    // Add or remove a row: the same form again, one row more or less, nothing saved.
    if (action === "add" && steps.length < 20) {
      const last = steps[steps.length - 1];
      steps = [...steps, { afterSeconds: last && last.afterSeconds !== "" && Number.isFinite(Number(last.afterSeconds)) ? String(Number(last.afterSeconds) + 300) : "", notify: "all_managers", repeatEverySeconds: last?.repeatEverySeconds ?? "", considerPolice: "", channels: [] }];
      return page(c, await policyView(c, user, steps.length, valuesOf(steps, form), {}, { notice: `Step ${steps.length - 1} added. Nothing is saved until you press "Save policy".` }));
    }
    const removing = /^remove-(\d{1,2})$/.exec(action);
    if (removing) {
      const at = Number(removing[1]);
      if (steps.length > 1 && at < steps.length) {
        steps = steps.filter((_, i) => i !== at);
        const p = Number(panic);
        if (Number.isInteger(p) && p > at) panic = String(p - 1);
        if (Number.isInteger(p) && p >= steps.length) panic = String(steps.length - 1);
      }
      const values = { ...valuesOf(steps, form), panicStartsAtStep: panic };
      return page(c, await policyView(c, user, steps.length, values, {}, { notice: `Step ${at} removed. Nothing is saved until you press "Save policy".` }));
    }
    const values = valuesOf(steps, form);
    const body = {
      steps: steps.map((s) => ({
        afterSeconds: numberOr(s.afterSeconds),
        notify: s.notify || undefined,
        repeatEverySeconds: numberOr(s.repeatEverySeconds),
        considerPolice: s.considerPolice === "true",
        // None ticked: unset, the step's default.
        ...(s.channels.length ? { channels: s.channels } : {}),
      })),
      panicStartsAtStep: numberOr(panic),
      seniorStaffIds: many(values.seniorStaffIds),
      receiptTimeoutSeconds: numberOr(one(form.receiptTimeoutSeconds)),
      reminderAfterSeconds: numberOr(one(form.reminderAfterSeconds)),
      smsAfterSeconds: numberOr(one(form.smsAfterSeconds)),
    };
    const saved = await send(c, "PUT", "/api/escalation-policy", body, PolicyRead);
    if (saved.ok) return seeOther(c, "/admin/policy?done=saved");
    const fields = [...steps.flatMap((_, i) => [...STEP_FIELDS, "channels"].map((f) => `steps.${i}.${f}`)), "steps", "panicStartsAtStep", "receiptTimeoutSeconds", "reminderAfterSeconds", "smsAfterSeconds", "seniorStaffIds"];
    const found = fieldErrors(saved.problem);
    // A refusal with no field named (no one active on the senior list) belongs to the senior list.
    if (Object.keys(found).length === 0 && saved.status === 422 && saved.problem?.detail) found.seniorStaffIds = saved.problem.detail;
    const errors = plainAll(errorsFor(found, fields, saved.problem?.detail ?? `The policy was not saved (${saved.status}).`));
    return page(c, await policyView(c, user, steps.length, values, errors), saved.status);
  },
});

// ---------------------------------------------------------------------------------------
// /admin/tokens

const DONE_TOKENS: Record<string, string> = { revoked: "Token revoked: it stops working at once." };
const Nothing = z.unknown();

async function tokensView(c: Context<AppEnv>, user: CurrentUser, values: FormValues, errors: FormErrors = {}, extra: Partial<Parameters<typeof TokensPage>[0]> = {}) {
  const [list, staff] = await Promise.all([load(c, "/api/tokens", TokenList), people(c)]);
  const tokens = dataOr(list)?.tokens.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt)) ?? null;
  return TokensPage({ user, tz: tzOf(c), now: c.get("deps").clock.now(), values, errors, people: staff, tokens, ...extra });
}

definePage("/admin/tokens", {
  get: async (c, user) => page(c, await tokensView(c, user, { expiresInDays: "90" }, {}, { notice: DONE_TOKENS[c.req.query("done") ?? ""] })),
  post: async (c, user) => {
    const form = await formOf(c);
    if (one(form._action) === "revoke") {
      const id = one(form.id);
      const gone = await send(c, "DELETE", `/api/tokens/${encodeURIComponent(id)}`, {}, Nothing);
      if (gone.ok) return seeOther(c, "/admin/tokens?done=revoked");
      const why = gone.status === 404 ? "That token no longer exists." : (gone.problem?.detail ?? `The token was not revoked (${gone.status}).`);
      return page(c, await tokensView(c, user, { expiresInDays: "90" }, { "": why }), gone.status);
    }
    const values: FormValues = { name: one(form.name), staffId: one(form.staffId), expiresInDays: one(form.expiresInDays), readOnly: one(form.readOnly) };
    const body = {
      staffId: one(form.staffId),
      name: one(form.name),
      expiresInDays: numberOr(one(form.expiresInDays)),
      readOnly: one(form.readOnly) === "true",
    };
    const made = await send(c, "POST", "/api/tokens", body, TokenMade);
    if (made.ok) {
      // The secret is rendered on this answer only: never put in a URL or a redirect.
      const staff = await people(c);
      const staffName = staff?.find((p) => p.id === body.staffId)?.name ?? body.staffId;
      return page(c, await tokensView(c, user, { expiresInDays: "90" }, {}, { made: { ...made.data, name: body.name.trim(), staffName } }), 201);
    }
    const found = fieldErrors(made.problem);
    if (made.status === 404) found.staffId = "No such member of staff: choose a person from the list.";
    const errors = plainAll(errorsFor(found, ["name", "staffId", "expiresInDays", "readOnly"], made.problem?.detail ?? `No token was made (${made.status}).`));
    return page(c, await tokensView(c, user, values, errors), made.status);
  },
});

// ---------------------------------------------------------------------------------------
// /admin/audit

const PAGE_SIZE = 50;
const text = (s: string | undefined, max = 200) => (s ?? "").trim().slice(0, max);

definePage("/admin/audit", async (c, user) => {
  // The checkpoint: the head of an intact chain, as the file `npm run audit:checkpoint` prints.
  if (c.req.query("download") === "checkpoint") {
    const v = await load(c, "/api/audit/verify", VerifyResult);
    if (v.ok && v.data.ok) {
      const head = v.data.head ?? { seq: 0, hash: "0".repeat(64) };
      const at = c.get("deps").clock.now().toISOString();
      c.header("Cache-Control", "no-store");
      c.header("Content-Disposition", `attachment; filename="audit-checkpoint-${head.seq}.json"`);
      return c.body(`${JSON.stringify({ seq: head.seq, hash: head.hash, entries: v.data.entries, at })}\n`, 200, { "Content-Type": "application/json; charset=utf-8" });
    }
  }
  const query = { entity: text(c.req.query("entity"), 100), id: text(c.req.query("id")), actor: text(c.req.query("actor")), before: undefined as number | undefined };
  const before = Number(c.req.query("before"));
  if (Number.isSafeInteger(before) && before >= 1) query.before = before;
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (query.entity) params.set("entity", query.entity);
  if (query.id) params.set("id", query.id);
  if (query.actor) params.set("actor", query.actor);
  if (query.before) params.set("before", String(query.before));

  const errors: FormErrors = {};
  const checkpointValue = text(c.req.query("checkpoint"), 400);
  let verify: Parameters<typeof AuditPage>[0]["verify"];
  let notice: string | undefined;
  let status = 200;
  if (c.req.query("download") === "checkpoint") {
    notice = "No checkpoint: the chain is not intact (see Verify now).";
    status = 409;
  }
  if (c.req.query("verify") === "now") {
    const cp = checkpointValue ? parseCheckpoint(checkpointValue) : undefined;
    if (checkpointValue && !cp) {
      errors.checkpoint = "Not a checkpoint: paste seq:hash (a number, a colon, 64 hex characters) or the downloaded file's text.";
      status = 400;
    } else {
      const q = cp && cp.seq >= 1 ? `?checkpointSeq=${cp.seq}&checkpointHash=${cp.hash}` : "";
      const v = await load(c, `/api/audit/verify${q}`, VerifyResult);
      if (v.ok) verify = { ...v.data, against: q && v.data.ok ? `${cp!.seq}:${cp!.hash.slice(0, 12)}…` : undefined };
      else errors[""] = v.problem?.detail ?? `The check could not be run (${v.status}).`;
    }
  }
  const [list, staff] = await Promise.all([load(c, `/api/audit?${params}`, AuditList), people(c)]);
  return page(c, AuditPage({ user, tz: tzOf(c), query, errors, entries: dataOr(list)?.entries ?? null, pageSize: PAGE_SIZE, people: staff, verify, checkpointValue, notice }), status);
});
