import type { Child } from "hono/jsx";
// The admin pages (issue 11): the escalation policy, API tokens, the audit log.
import type { z } from "@hono/zod-openapi";
import type { CurrentUser } from "../../deps.js";
import type { StaffList } from "../../staff/routes.js";
import type { TokenList, TokenMade } from "../../auth/routes.js";
import type { AuditList, VerifyResult } from "../../audit/routes.js";
import { Layout } from "../layout.js";
import { ErrorSummary, Field, Notice, Select, type FormErrors, type FormValues } from "../forms.js";
import { fmtInstant, fmtSeconds } from "../format.js";

type Person = z.output<typeof StaffList>["staff"][number];

/** The same id forms.tsx gives a field, so the error summary links land on the table's cells. */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

const TABS = [
  ["/admin/policy", "Escalation policy"],
  ["/admin/tokens", "API tokens"],
  ["/admin/audit", "Audit log"],
] as const;

function AdminShell(props: { user: CurrentUser; tz: string; here: string; title: string; children: unknown }) {
  return (
    <Layout title={props.title} user={props.user} current="/admin/policy" tz={props.tz}>
      <nav class="tabs" aria-label="Admin">
        {TABS.map(([href, label]) => (
          <a href={href} aria-current={href === props.here ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <h1>{props.title}</h1>
      {props.children as never}
    </Layout>
  );
}

const nameOf = (people: Person[] | null, id: string) => people?.find((p) => p.id === id)?.name;

// ---------------------------------------------------------------------------------------
// /admin/policy

export const NOTIFY_WORDS: Record<string, string> = {
  worker: "The worker",
  duty_manager: "The duty manager",
  all_managers: "Every manager on duty",
  senior: "The senior list",
};

export interface PolicyView {
  user: CurrentUser;
  tz: string;
  /** How many step rows the form shows (the values are `steps.N.*`). */
  rows: number;
  values: FormValues;
  errors: FormErrors;
  people: Person[] | null;
  notice?: string;
  /** The policy could not be read (the page says so; the form still works). */
  loadProblem?: string;
  /** More fields inside the form, before its Save button (the channels). */
  extraFields?: Child;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

function CellError(props: { name: string; errors: FormErrors }) {
  const e = props.errors[props.name];
  return e ? (
    <p class="error" id={`${fieldId(props.name)}-error`}>
      {e}
    </p>
  ) : null;
}

const described = (name: string, errors: FormErrors, hint?: string) => {
  const ids = [hint ?? "", errors[name] ? `${fieldId(name)}-error` : ""].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": errors[name] ? ("true" as const) : undefined };
};

function stepWords(values: FormValues, i: number): string {
  const notify = one(values[`steps.${i}.notify`]);
  const after = Number(one(values[`steps.${i}.afterSeconds`]));
  const when = one(values[`steps.${i}.afterSeconds`]) !== "" && Number.isFinite(after) ? `after ${fmtSeconds(after)}` : "";
  return [`Step ${i}`, NOTIFY_WORDS[notify]?.toLowerCase() ?? "", when].filter(Boolean).join(": ").replace(/: (after)/, ", $1");
}

export function PolicyPage(v: PolicyView) {
  const { values, errors, rows } = v;
  const chosen = many(values.seniorStaffIds);
  const active = (v.people ?? []).filter((p) => p.active);
  // Who may be on the senior list: managers and senior managers, and anyone already on it.
  const candidates = (v.people ?? []).filter((p) => chosen.includes(p.id) || (p.active && p.roles.some((r) => r === "manager" || r === "senior_manager")));
  const others = active.filter((p) => !candidates.includes(p));
  const stepIdx = [...Array(rows).keys()];
  const cell = (i: number, f: string) => `steps.${i}.${f}`;
  return (
    <AdminShell user={v.user} tz={v.tz} here="/admin/policy" title="Escalation policy">
      <p>
        Who is told, and when, after a missed check-in or a panic alarm. Steps are numbered from 0 and climb in time order; the last step repeats until someone acknowledges. Alerts already raised keep the policy they were raised under.
      </p>
      <Notice text={v.notice} />
      {v.loadProblem ? <p class="notice warn">{v.loadProblem}</p> : null}
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/policy" id="policy-form" novalidate>
        {/* Pressing Enter in a field saves (the first submit button), never removes a step. */}
        <button type="submit" name="_action" value="save" class="visually-hidden" tabindex={-1} aria-hidden="true">
          Save policy
        </button>
        <h2 id="steps-h">Steps</h2>
        <div class="table-wrap">
          <table class="steps-table" aria-labelledby="steps-h">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">After (seconds)</th>
                <th scope="col">Who is told</th>
                <th scope="col">Repeat every (seconds)</th>
                <th scope="col">Police step</th>
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stepIdx.map((i) => (
                <tr class={Object.keys(errors).some((k) => k.startsWith(`steps.${i}.`)) ? "step-error" : undefined}>
                  <th scope="row">Step {i}</th>
                  <td class={errors[cell(i, "afterSeconds")] ? "field-error" : undefined}>
                    <label class="cell-label" for={fieldId(cell(i, "afterSeconds"))}>
                      Step {i}: after (seconds)
                    </label>
                    <CellError name={cell(i, "afterSeconds")} errors={errors} />
                    <input id={fieldId(cell(i, "afterSeconds"))} name={cell(i, "afterSeconds")} type="number" inputmode="numeric" min="0" step="1" value={one(values[cell(i, "afterSeconds")])} {...described(cell(i, "afterSeconds"), errors)} />
                  </td>
                  <td class={errors[cell(i, "notify")] ? "field-error" : undefined}>
                    <label class="cell-label" for={fieldId(cell(i, "notify"))}>
                      Step {i}: who is told
                    </label>
                    <CellError name={cell(i, "notify")} errors={errors} />
                    <select id={fieldId(cell(i, "notify"))} name={cell(i, "notify")} {...described(cell(i, "notify"), errors)}>
                      {Object.entries(NOTIFY_WORDS).map(([k, w]) => (
                        <option value={k} selected={one(values[cell(i, "notify")]) === k}>
                          {w}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td class={errors[cell(i, "repeatEverySeconds")] ? "field-error" : undefined}>
                    <label class="cell-label" for={fieldId(cell(i, "repeatEverySeconds"))}>
                      Step {i}: repeat every (seconds)
                    </label>
                    <CellError name={cell(i, "repeatEverySeconds")} errors={errors} />
                    <input
                      id={fieldId(cell(i, "repeatEverySeconds"))}
                      name={cell(i, "repeatEverySeconds")}
                      type="number"
                      inputmode="numeric"
                      min="1"
                      step="1"
                      value={one(values[cell(i, "repeatEverySeconds")])}
                      {...described(cell(i, "repeatEverySeconds"), errors, "repeat-hint")}
                    />
                  </td>
                  <td class={errors[cell(i, "considerPolice")] ? "field-error" : undefined}>
                    <CellError name={cell(i, "considerPolice")} errors={errors} />
                    <label class="check" for={fieldId(cell(i, "considerPolice"))}>
                      <input id={fieldId(cell(i, "considerPolice"))} name={cell(i, "considerPolice")} type="checkbox" value="true" checked={one(values[cell(i, "considerPolice")]) === "true"} />
                      <span>
                        Consider police (999)<span class="visually-hidden"> at step {i}</span>
                      </span>
                    </label>
                  </td>
                  <td>
                    {rows > 1 ? (
                      <button type="submit" class="secondary" name="_action" value={`remove-${i}`}>
                        Remove<span class="visually-hidden"> step {i}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="hint" id="repeat-hint">
          Repeat every: leave empty for a step that is told once. Adding or removing a step saves nothing until you press "Save policy".
        </p>
        {errors.steps ? (
          <p class="error" id={`${fieldId("steps")}-error`}>
            {errors.steps}
          </p>
        ) : null}
        {rows < 20 ? (
          <p>
            <button type="submit" class="secondary" name="_action" value="add">
              Add a step
            </button>
          </p>
        ) : null}

        <h2>Panic alarms and receipts</h2>
        <Select
          name="panicStartsAtStep"
          label="A panic alarm starts at"
          hint="A panic or duress alarm skips the earlier steps."
          options={stepIdx.map((i) => [String(i), stepWords(values, i)] as const)}
          values={values}
          errors={errors}
        />
        <Field name="receiptTimeoutSeconds" label="Receipt timeout (seconds)" type="number" inputmode="numeric" min="1" max="3600" step="1" hint="A step whose notices show on no one's phone within this time moves on to the next step early." values={values} errors={errors} />
        <Field name="reminderAfterSeconds" label="Remind the acknowledger after (seconds)" type="number" inputmode="numeric" min="1" max="86400" step="1" hint="An alert acknowledged but not resolved reminds whoever acknowledged it this often." values={values} errors={errors} />

        <fieldset id={fieldId("seniorStaffIds")} class={errors.seniorStaffIds ? "field field-error checklist" : "field checklist"} {...described("seniorStaffIds", errors, "senior-hint")}>
          <legend>Senior list</legend>
          <p class="hint" id="senior-hint">
            Told when a step says "the senior list". It may never be empty.
          </p>
          <CellError name="seniorStaffIds" errors={errors} />
          {candidates.length === 0 ? <p>No managers or senior managers yet: add someone below.</p> : null}
          {candidates.map((p) => (
            <label class="check">
              <input type="checkbox" name="seniorStaffIds" value={p.id} checked={chosen.includes(p.id)} />
              <span>
                {p.name}
                {p.active ? "" : " (no longer active)"}
              </span>
            </label>
          ))}
        </fieldset>
        <Select name="seniorAdd" label="Add someone else to the senior list" blank="No one" options={others.map((p) => [p.id, p.name] as const)} values={values} errors={errors} />
        {v.extraFields}

        <div class="form-actions">
          <button type="submit" name="_action" value="save">
            Save policy
          </button>
        </div>
      </form>
    </AdminShell>
  );
}

// ---------------------------------------------------------------------------------------
// /admin/tokens

export interface TokensView {
  user: CurrentUser;
  tz: string;
  now: Date;
  values: FormValues;
  errors: FormErrors;
  people: Person[] | null;
  tokens: z.output<typeof TokenList>["tokens"] | null;
  /** Just made: the secret, shown on this one answer only. */
  made?: z.output<typeof TokenMade> & { name: string; staffName: string };
  notice?: string;
}

export function TokensPage(v: TokensView) {
  const { values, errors } = v;
  const active = (v.people ?? []).filter((p) => p.active);
  const status = (t: NonNullable<TokensView["tokens"]>[number]) => (t.revokedAt ? `Revoked ${fmtInstant(t.revokedAt, v.tz)}` : t.expiresAt && Date.parse(t.expiresAt) <= v.now.getTime() ? "Expired" : "Active");
  return (
    <AdminShell user={v.user} tz={v.tz} here="/admin/tokens" title="API tokens">
      <p>A token lets a script use the API as a person, with that person's rights. Every write made with it is audited with the token and who made it.</p>
      <Notice text={v.notice} />
      {v.made ? (
        <section class="card secret-card" aria-labelledby="made-h">
          <h2 id="made-h">Token "{v.made.name}" made</h2>
          <p class="notice warn">
            <strong>Copy it now: it will not be shown again.</strong> Keep it like a password. If it is lost, revoke it and make a new one.
          </p>
          <label for="new-token">The token</label>
          <input id="new-token" class="secret" type="text" readonly value={v.made.token} autocomplete="off" spellcheck={false} />
          <p>
            For {v.made.staffName}
            {v.made.readOnly ? ", read-only" : ""}; it stops working on {fmtInstant(v.made.expiresAt, v.tz)}.
          </p>
          <p class="hint">Send it as the header: Authorization: Bearer &lt;token&gt;</p>
        </section>
      ) : null}

      <section class="card" aria-labelledby="make-h">
        <h2 id="make-h">Make a token</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/admin/tokens" novalidate>
          <input type="hidden" name="_action" value="make" />
          <Field name="name" label="Name" hint="What it is for, e.g. nightly HR export." values={values} errors={errors} />
          <Select name="staffId" label="Person" hint="The token acts as this person, with their rights." blank="Choose a person" options={active.map((p) => [p.id, `${p.name} (${p.email})`] as const)} values={values} errors={errors} />
          <Field name="expiresInDays" label="Expires after (days)" type="number" inputmode="numeric" min="1" step="1" values={values} errors={errors} />
          <div class={errors.readOnly ? "field field-error" : "field"}>
            <label class="check" for={fieldId("readOnly")}>
              <input id={fieldId("readOnly")} type="checkbox" name="readOnly" value="true" checked={one(values.readOnly) === "true"} />
              <span>Read-only (it can read, never change anything)</span>
            </label>
          </div>
          <div class="form-actions">
            <button type="submit">Make token</button>
          </div>
        </form>
      </section>

      <h2 id="tokens-h">Tokens</h2>
      {v.tokens === null ? <p class="notice warn">The tokens could not be loaded.</p> : null}
      {v.tokens && v.tokens.length === 0 ? <p>No tokens yet.</p> : null}
      {v.tokens && v.tokens.length ? (
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="tokens-h">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Person</th>
                <th scope="col">Made</th>
                <th scope="col">Expires</th>
                <th scope="col">Read-only</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="visually-hidden">Revoke</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {v.tokens.map((t) => (
                <tr data-token={t.id}>
                  <td>{t.name}</td>
                  <td>{nameOf(v.people, t.staffId) ?? t.staffId}</td>
                  <td>
                    {fmtInstant(t.createdAt, v.tz)} by {nameOf(v.people, t.createdBy) ?? t.createdBy}
                  </td>
                  <td>{t.expiresAt ? fmtInstant(t.expiresAt, v.tz) : "Never"}</td>
                  <td>{t.readOnly ? "Yes" : "No"}</td>
                  <td>{status(t)}</td>
                  <td>
                    {status(t) === "Active" ? (
                      <form method="post" action="/admin/tokens">
                        <input type="hidden" name="_action" value="revoke" />
                        <input type="hidden" name="id" value={t.id} />
                        <button type="submit" class="danger">
                          Revoke<span class="visually-hidden"> {t.name}</span>
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </AdminShell>
  );
}

// ---------------------------------------------------------------------------------------
// /admin/audit

export const AUDIT_ENTITIES = ["staff", "team", "api_token", "escalation_policy", "settings", "visit", "alert", "notification", "rota", "rota_pattern", "rota_assignment", "rota_swap", "supervision", "sickness_episode", "return_to_work", "oh_referral", "amhp_approval", "training", "leave", "push_subscription", "calendar_token"];

export interface AuditView {
  user: CurrentUser;
  tz: string;
  query: { entity: string; id: string; actor: string; before?: number };
  errors: FormErrors;
  entries: z.output<typeof AuditList>["entries"] | null;
  pageSize: number;
  people: Person[] | null;
  verify?: z.output<typeof VerifyResult> & { against?: string };
  checkpointValue: string;
  notice?: string;
}

export function AuditPage(v: AuditView) {
  const { query, entries } = v;
  const filters = new URLSearchParams();
  if (query.entity) filters.set("entity", query.entity);
  if (query.id) filters.set("id", query.id);
  if (query.actor) filters.set("actor", query.actor);
  const older = entries && entries.length === v.pageSize ? entries[entries.length - 1]!.seq : undefined;
  const withBefore = (before: number) => {
    const p = new URLSearchParams(filters);
    p.set("before", String(before));
    return `/admin/audit?${p}`;
  };
  const people = (v.people ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
  const actorOptions = people.map((p) => [p.id, p.name] as const);
  const actorKnown = !query.actor || people.some((p) => p.id === query.actor);
  const who = (e: NonNullable<AuditView["entries"]>[number]) => (e.actorType === "system" ? `The service (${e.actorId})` : (nameOf(v.people, e.actorId) ?? e.actorId));
  const vr = v.verify;
  return (
    <AdminShell user={v.user} tz={v.tz} here="/admin/audit" title="Audit log">
      <p>Every change and every sign-in, newest first. Each entry carries a hash of itself and the one before, so an edited or deleted entry breaks the chain.</p>
      <Notice text={v.notice} />

      <section class="card" aria-labelledby="verify-h">
        <h2 id="verify-h">Check the chain</h2>
        <ErrorSummary errors={v.errors} />
        <form method="get" action="/admin/audit" novalidate>
          <input type="hidden" name="verify" value="now" />
          {/* The entries below stay as filtered. */}
          {query.entity ? <input type="hidden" name="entity" value={query.entity} /> : null}
          {query.id ? <input type="hidden" name="id" value={query.id} /> : null}
          {query.actor ? <input type="hidden" name="actor" value={query.actor} /> : null}
          <Field
            name="checkpoint"
            label="Against a checkpoint (optional)"
            hint="Paste a checkpoint you kept elsewhere (seq:hash, or the downloaded file's text) to prove the chain still holds it."
            values={{ checkpoint: v.checkpointValue }}
            errors={v.errors}
          />
          <div class="form-actions">
            <button type="submit">Verify now</button>
          </div>
        </form>
        {vr ? (
          <div id="verify-result" class={vr.ok ? "notice good" : "notice bad"} role="status">
            {vr.ok ? (
              <p>
                <strong>Intact.</strong> {vr.entries} entries checked{vr.head ? `; the head is seq ${vr.head.seq}` : ""}
                {vr.against ? `; it holds the checkpoint ${vr.against}` : ""}.
              </p>
            ) : (
              <p>
                <strong>Broken</strong>
                {vr.firstBadSeq !== undefined ? ` at seq ${vr.firstBadSeq}` : ""}: {vr.problem ?? "the records do not match the chain"}.
              </p>
            )}
            <p>
              Records checked against the chain: {vr.records.checked}; not matching: {vr.records.mismatchCount}.
            </p>
            {vr.mismatches.length ? (
              <ul>
                {vr.mismatches.slice(0, 50).map((m) => (
                  <li>
                    {m.entity} {m.id}: {m.field === "*" ? "the whole row" : m.field} {m.problem.replace(/_/g, " ")}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <p>
          <a class="button secondary" href="/admin/audit?download=checkpoint" download>
            Download a checkpoint
          </a>
        </p>
        <p class="hint">The checkpoint is the chain's head (its seq and hash). Keep it outside this service (an email, a ticket, paper); npm run audit:verify -- --checkpoint-file reads it.</p>
      </section>

      <h2>Entries</h2>
      <form method="get" action="/admin/audit" class="filters card">
        <div>
          <label for="f-entity">Record type</label>
          <input id="f-entity" name="entity" type="text" list="entities" value={query.entity} />
          <datalist id="entities">
            {AUDIT_ENTITIES.map((e) => (
              <option value={e}></option>
            ))}
          </datalist>
        </div>
        <div>
          <label for="f-id">Record id</label>
          <input id="f-id" name="id" type="text" value={query.id} />
        </div>
        <div>
          <label for="f-actor">Done by</label>
          <select id="f-actor" name="actor">
            <option value="">Anyone</option>
            {actorKnown ? null : (
              <option value={query.actor} selected>
                {query.actor}
              </option>
            )}
            {actorOptions.map(([id, name]) => (
              <option value={id} selected={id === query.actor}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
      {entries === null ? <p class="notice warn">The audit log could not be loaded.</p> : null}
      {entries && entries.length === 0 ? <p>No entries for this choice.</p> : null}
      {entries && entries.length ? (
        <div class="table-wrap" tabindex={0} role="region" aria-label="Audit entries">
          <table class="audit-table">
            <caption>
              {query.before ? `Entries before seq ${query.before}` : "Newest entries"}: {entries.length}
            </caption>
            <thead>
              <tr>
                <th scope="col">Seq</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Record</th>
                <th scope="col">Data</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr data-seq={e.seq}>
                  <td>{e.seq}</td>
                  <td>{fmtInstant(e.recordedAt, v.tz)}</td>
                  <td>{who(e)}</td>
                  <td>{e.action.replace(/_/g, " ")}</td>
                  <td>
                    {e.entity} <code>{e.entityId}</code>
                  </td>
                  <td>
                    {e.data === null || e.data === undefined ? (
                      ""
                    ) : (
                      <details>
                        <summary>Show</summary>
                        <pre>{JSON.stringify(e.data, null, 1)}</pre>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="actions" aria-label="Pages of entries">
        {query.before ? <a href={`/admin/audit${filters.size ? `?${filters}` : ""}`}>Newest</a> : null}
        {older !== undefined ? <a href={withBefore(older)}>Older entries</a> : null}
      </nav>
    </AdminShell>
  );
}
