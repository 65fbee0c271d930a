// A person's record (/staff/:id): their supervision, sickness, return-to-work interviews,
// OH referrals, AMHP approvals, training and leave, each record with its versions, and the
// forms the viewer's roles may use. What is shown is what the API gave this viewer: a line
// manager's sickness rows carry no cause, so none is shown. Every form posts to this page
// with a hidden `_action`; each has its own `form` key so its fields' ids are its own.
import type { Child } from "hono/jsx";
import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";
import { ErrorSummary, Field, Notice, Select, TextArea, type FormErrors, type FormValues } from "../forms.js";
import { fmtDate, fmtInstant, fmtNumber, words } from "../format.js";

export type Row = Record<string, unknown> & { id: string };
export type Kind = "supervisions" | "sickness" | "oh-referrals" | "return-to-work" | "training" | "amhp-approvals" | "leave";

export interface Person {
  id: string;
  name: string;
  team: string | null;
  teamId: string | null;
  category: string;
  roles: string[];
  active: boolean;
  startDate: string | null;
}

/** What the viewer's roles let them do here (a hint for which forms to show; the API decides). */
export interface Rights {
  /** Manages this person's records: HR, admin, a senior manager, or a manager of their team. */
  manage: boolean;
  /** HR or admin: approvals, the sickness cause. */
  hr: boolean;
  /** Sees causes and reasons (HR, admin, the person). */
  confidential: boolean;
  self: boolean;
}

export interface Failed {
  /** The form's key (its ids' prefix): "supervision", "void", "close-<id>"... */
  key: string;
  values: FormValues;
  errors: FormErrors;
}

export interface RecordData {
  person: Person | null;
  rights: Rights;
  today: string;
  names: Map<string, string>;
  supervisors: [string, string][];
  defaultSupervisor?: string;
  supervisions: Row[] | null;
  episodes: Row[] | null;
  referrals: Row[] | null;
  approvals: Row[] | null;
  training: Row[] | null;
  leave: Row[] | null;
  selected?: { kind: Kind; row: Row | null; history: Row[] | null };
}

export const CAUSES: [string, string][] = [
  ["stress_anxiety_depression", "Stress, anxiety or depression"],
  ["musculoskeletal", "Musculoskeletal"],
  ["infection", "Infection"],
  ["injury", "Injury"],
  ["surgery", "Surgery"],
  ["other", "Other"],
];
const LEAVE_KINDS: [string, string][] = ["annual", "study", "toil", "parental", "compassionate", "unpaid", "other"].map((k) => [k, k === "toil" ? "Time off in lieu" : words(k)]);
const SUPERVISION_KINDS: [string, string][] = [
  ["individual", "Individual"],
  ["group", "Group"],
  ["reflective", "Reflective"],
  ["ad_hoc", "Ad hoc"],
];

type Shown = "day" | "person" | "words" | "number" | "text" | "cause";
/** Each kind's fields as a person reads them, in the order shown. */
export const KIND_VIEW: Record<Kind, { title: string; one: string; fields: [string, string, Shown][] }> = {
  supervisions: {
    title: "Supervision",
    one: "supervision",
    fields: [
      ["heldOn", "Held on", "day"],
      ["supervisorId", "Supervisor", "person"],
      ["kind", "Kind", "words"],
      ["durationMinutes", "Minutes", "number"],
      ["status", "Status", "words"],
    ],
  },
  sickness: {
    title: "Sickness absence",
    one: "absence",
    fields: [
      ["firstDay", "First day", "day"],
      ["lastDay", "Last day", "day"],
      ["cause", "Cause", "cause"],
    ],
  },
  "return-to-work": {
    title: "Return-to-work interviews",
    one: "return-to-work interview",
    fields: [
      ["heldOn", "Held on", "day"],
      ["notes", "Interview notes", "text"],
    ],
  },
  "oh-referrals": {
    title: "Occupational Health referrals",
    one: "OH referral",
    fields: [
      ["referredOn", "Referred on", "day"],
      ["reason", "Reason", "text"],
      ["appointmentOn", "Appointment on", "day"],
      ["reportReceivedOn", "Report received on", "day"],
      ["outcome", "Outcome", "text"],
    ],
  },
  "amhp-approvals": {
    title: "AMHP approvals",
    one: "AMHP approval",
    fields: [
      ["validFrom", "Valid from", "day"],
      ["validUntil", "Valid until", "day"],
    ],
  },
  training: {
    title: "Training",
    one: "training",
    fields: [
      ["date", "Date", "day"],
      ["hours", "Hours", "number"],
      ["topic", "Topic", "text"],
    ],
  },
  leave: {
    title: "Leave",
    one: "leave",
    fields: [
      ["from", "From", "day"],
      ["to", "To", "day"],
      ["kind", "Kind", "words"],
    ],
  },
};

export const DONE: Record<string, string> = {
  supervision: "Supervision recorded. It counts once both of you have confirmed it.",
  absence: "Absence recorded.",
  closed: "Absence closed. A return-to-work interview is now due.",
  interview: "Return-to-work interview recorded.",
  referred: "OH referral recorded.",
  "oh-progress": "OH referral updated.",
  approval: "AMHP approval recorded.",
  training: "Training recorded.",
  leave: "Leave recorded.",
  corrected: "Correction saved. The earlier version is kept below.",
  voided: "Record voided. It stays on the record, marked void, and no longer counts.",
};

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);
const day = (v: unknown) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? fmtDate(v) : "");
const causeWords = (v: unknown) => CAUSES.find(([k]) => k === v)?.[1] ?? str(v) ?? "";

function shown(row: Row, field: string, as: Shown, names: Map<string, string>): string {
  const v = row[field];
  if (v === null || v === undefined || v === "") return field === "lastDay" ? "Still absent" : "—";
  switch (as) {
    case "day":
      return day(v);
    case "person":
      return names.get(String(v)) ?? "Not shown";
    case "words":
      return words(String(v));
    case "number":
      return typeof v === "number" ? fmtNumber(v) : String(v);
    case "cause":
      return causeWords(v);
    default:
      return String(v);
  }
}

/** The fields of a kind this viewer's rows carry (a redacted cause or reason is absent, so not shown). */
function fieldsOf(kind: Kind, rows: Row[], rights: Rights) {
  return KIND_VIEW[kind].fields.filter(([f]) => (f === "cause" || (kind === "oh-referrals" && f === "reason") || f === "notes" ? rights.confidential && rows.some((r) => f in r) : true));
}

const isVoid = (r: Row) => r.voidedAt !== null && r.voidedAt !== undefined;
/** A supervision the awaited party disputed (it never counts). */
const isDisputed = (r: Row) => typeof r.disputedAt === "string";

function Flags(props: { row: Row }) {
  const r = props.row;
  return (
    <>
      {isVoid(r) ? <span class="tag bad">Void</span> : null} {isDisputed(r) ? <span class="tag bad">Disputed</span> : null} {r.late === true ? <span class="tag warn">Late entry</span> : null}{" "}
      {typeof r.version === "number" && r.version > 1 ? <span class="tag">Changed</span> : null}
    </>
  );
}

const recordHref = (personId: string, kind: Kind, id: string) => `/staff/${encodeURIComponent(personId)}?kind=${kind}&record=${encodeURIComponent(id)}#record`;

function Table(props: { personId: string; kind: Kind; rows: Row[]; rights: Rights; names: Map<string, string>; extra?: (r: Row) => Child }) {
  const fields = fieldsOf(props.kind, props.rows, props.rights);
  const view = KIND_VIEW[props.kind];
  if (props.rows.length === 0) return <p class="hint">None recorded.</p>;
  return (
    <div class="table-wrap">
      <table class="record-table" data-kind={props.kind}>
        <caption class="visually-hidden">{view.title}</caption>
        <thead>
          <tr>
            {fields.map(([, label]) => (
              <th scope="col">{label}</th>
            ))}
            <th scope="col">Notes</th>
            <th scope="col">Record</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr class={isVoid(r) ? "void" : undefined} data-id={r.id}>
              {fields.map(([f, label, as]) => (
                <td data-label={label}>{shown(r, f, as, props.names)}</td>
              ))}
              <td data-label="Notes">
                <Flags row={r} />
                {props.extra ? props.extra(r) : null}
              </td>
              <td data-label="Record">
                <a href={recordHref(props.personId, props.kind, r.id)}>
                  History<span class="visually-hidden"> of the {view.one} {shown(r, fields[0]![0], fields[0]![2], props.names)}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A form on this page: posts here with its `_action`; shows its own refusal when it has one. */
function Form(props: { action: string; personId: string; failed?: Failed; formKey: string; hidden?: Record<string, string>; button: string; danger?: boolean; children: Child }) {
  const general = props.failed?.key === props.formKey ? props.failed.errors[""] : undefined;
  return (
    <form method="post" action={`/staff/${encodeURIComponent(props.personId)}`} class="record-form" id={`form-${props.formKey}`} novalidate>
      <input type="hidden" name="_action" value={props.action} />
      {Object.entries(props.hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      {general ? (
        <p class="error" role="alert">
          {general}
        </p>
      ) : null}
      {props.children}
      <div class="form-actions">
        <button type="submit" class={props.danger ? "danger" : undefined}>
          {props.button}
        </button>
      </div>
    </form>
  );
}

const LATE_HINT = "Only when the date is more than 7 days ago: why it is recorded late.";

export function RecordPage(props: { user: CurrentUser; tz: string; data: RecordData; notice?: string; failed?: Failed }) {
  const { data, failed, user, tz } = props;
  const p = data.person;
  if (!p) {
    return (
      <Layout title="Record not available" user={user} current="/staff" tz={tz}>
        <h1>Record not available</h1>
        <p>There is no such person, or their record is not yours to see.</p>
        <p>
          <a href="/">Back to my duty</a>
        </p>
      </Layout>
    );
  }
  const r = data.rights;
  // The values and errors of a form: as sent when it was refused, else its defaults.
  const state = (key: string, defaults: FormValues = {}) => (failed?.key === key ? { values: failed.values, errors: failed.errors, form: key } : { values: defaults, errors: {}, form: key });
  const id = p.id;
  const sections: [string, string, boolean][] = [
    ["supervision", "Supervision", data.supervisions !== null],
    ["sickness", "Sickness absence", data.episodes !== null],
    ["return-to-work", "Return to work", data.episodes !== null],
    ["oh-referrals", "OH referrals", data.referrals !== null],
    ["approvals", "AMHP approvals", data.approvals !== null],
    ["training", "Training", data.training !== null],
    ["leave", "Leave", data.leave !== null],
  ];
  const readable = sections.some(([, , ok]) => ok);
  const live = (rows: Row[] | null) => (rows ?? []).filter((x) => !isVoid(x));
  const episodes = data.episodes ?? [];
  const liveEpisodes = live(data.episodes);
  const rtwRows: Row[] = episodes.flatMap((e) => {
    const rtw = e.returnToWork as { id: string; heldOn: string } | null | undefined;
    return rtw ? [{ ...rtw, episode: e } as Row] : [];
  });

  return (
    <Layout title={p.name} user={user} current={r.self ? "/" : "/staff"} tz={tz}>
      <div id="person-record">
        <h1>{r.self ? `${p.name} (your record)` : p.name}</h1>
        <p class="hint">
          {[p.team ?? "No team", words(p.category), p.roles.map(words).join(", "), p.active ? null : "Left (inactive)"].filter(Boolean).join(" · ")}
          {r.hr ? (
            <>
              {" · "}
              <a href={`/staff/${encodeURIComponent(id)}/edit`}>Change details</a>
            </>
          ) : null}
        </p>
        <Notice text={props.notice} />
        {failed ? <ErrorSummary errors={failed.errors} form={failed.key} title="Nothing was saved" /> : null}
        {!readable ? <p class="notice warn">You do not manage {p.name}'s records, so they are not shown here.</p> : null}

        {data.selected ? <Selected {...props} /> : null}

        {readable ? (
          <nav aria-label="On this record" class="tabs">
            {sections
              .filter(([, , ok]) => ok)
              .map(([anchor, label]) => (
                <a href={`#${anchor}`}>{label}</a>
              ))}
          </nav>
        ) : null}

        {data.supervisions ? (
          <section class="card" id="supervision" aria-labelledby="supervision-h">
            <h2 id="supervision-h">Supervision</h2>
            <Table personId={id} kind="supervisions" rows={data.supervisions} rights={r} names={data.names} />
            {r.manage ? (
              <details class="record-new" open={failed?.key === "supervision" || undefined}>
                <summary>Record a supervision</summary>
                <Form action="record-supervision" personId={id} failed={failed} formKey="supervision" button="Record supervision">
                  <Field name="heldOn" label="Held on" type="date" max={data.today} {...state("supervision")} />
                  <Select name="supervisorId" label="Supervisor" options={data.supervisors} blank="Choose the supervisor" {...state("supervision", { supervisorId: data.defaultSupervisor })} hint="A manager of their team or a senior manager." />
                  <Select name="kind" label="Kind" options={SUPERVISION_KINDS} {...state("supervision")} />
                  <Field name="durationMinutes" label="Length in minutes (optional)" type="number" inputmode="numeric" min="1" max="600" {...state("supervision")} />
                  <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state("supervision")} />
                </Form>
              </details>
            ) : null}
          </section>
        ) : null}

        {data.episodes ? (
          <section class="card" id="sickness" aria-labelledby="sickness-h">
            <h2 id="sickness-h">Sickness absence</h2>
            {!r.confidential ? <p class="hint">The cause of an absence is seen by HR and the person only.</p> : null}
            <Table
              personId={id}
              kind="sickness"
              rows={episodes}
              rights={r}
              names={data.names}
              extra={(e) => (
                <>
                  {e.open === true && !isVoid(e) ? <span class="tag warn">Absent now</span> : null}
                  {str(e.fitNoteFrom) ? <span class="hint"> Fit note needed from {day(e.fitNoteFrom)}.</span> : null}
                  {e.longTerm === true ? <span class="tag bad">Long-term</span> : null}
                  {str(e.ohDueOn) ? <span class="hint"> OH referral due {day(e.ohDueOn)}.</span> : null}
                </>
              )}
            />
            {r.manage
              ? liveEpisodes
                  .filter((e) => e.open === true)
                  .map((e) => (
                    <div class="record-inline">
                      <h3>Close the absence from {day(e.firstDay)}</h3>
                      <Form action="close-absence" personId={id} failed={failed} formKey={`close-${e.id}`} hidden={{ _record: e.id }} button="Close absence">
                        <Field name="lastDay" label="Last day" type="date" max={data.today} hint="The last day they were off sick." {...state(`close-${e.id}`)} />
                      </Form>
                    </div>
                  ))
              : null}
            {r.manage ? (
              <details class="record-new" open={failed?.key === "absence" || undefined}>
                <summary>Record an absence</summary>
                <Form action="record-absence" personId={id} failed={failed} formKey="absence" button="Record absence">
                  <Field name="firstDay" label="First day" type="date" max={data.today} {...state("absence")} />
                  <Select name="cause" label="Cause" options={CAUSES} blank="Choose the cause" hint="Seen by HR and the person only." {...state("absence")} />
                  <Field name="lastDay" label="Last day (if back already)" type="date" max={data.today} hint="Leave blank while they are still off." {...state("absence")} />
                  <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state("absence")} />
                </Form>
              </details>
            ) : null}
          </section>
        ) : null}

        {data.episodes ? (
          <section class="card" id="return-to-work" aria-labelledby="rtw-h">
            <h2 id="rtw-h">Return-to-work interviews</h2>
            <Table
              personId={id}
              kind="return-to-work"
              rows={rtwRows}
              rights={r}
              names={data.names}
              extra={(x) => <span class="hint">After the absence from {day((x.episode as Row).firstDay)}</span>}
            />
            {liveEpisodes
              .filter((e) => !e.returnToWork && e.rtw)
              .map((e) => {
                const due = e.rtw as { dueOn: string; deadline: string; overdue: boolean };
                return (
                  <div class="record-inline">
                    <h3>
                      Interview after the absence {day(e.firstDay)} to {day(e.lastDay)}{" "}
                      {due.overdue ? <span class="tag bad">Overdue</span> : <span class="tag warn">Due by {day(due.deadline)}</span>}
                    </h3>
                    {r.manage ? (
                      <Form action="record-interview" personId={id} failed={failed} formKey={`rtw-${e.id}`} hidden={{ _record: e.id }} button="Record interview">
                        <Field name="heldOn" label="Held on" type="date" max={data.today} {...state(`rtw-${e.id}`)} />
                        <TextArea name="notes" label="Notes (optional)" hint="Seen by HR and the person only." {...state(`rtw-${e.id}`)} />
                        <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state(`rtw-${e.id}`)} />
                      </Form>
                    ) : null}
                  </div>
                );
              })}
            {liveEpisodes.some((e) => e.open === true) ? <p class="hint">An interview is recorded once the absence is closed.</p> : null}
          </section>
        ) : null}

        {data.referrals ? (
          <section class="card" id="oh-referrals" aria-labelledby="oh-h">
            <h2 id="oh-h">Occupational Health referrals</h2>
            <Table personId={id} kind="oh-referrals" rows={data.referrals} rights={r} names={data.names} />
            {r.manage ? (
              <details class="record-new" open={failed?.key === "refer" || undefined}>
                <summary>Refer to Occupational Health</summary>
                <Form action="refer" personId={id} failed={failed} formKey="refer" button="Refer">
                  <Field name="referredOn" label="Referred on" type="date" max={data.today} {...state("refer")} />
                  <TextArea name="reason" label="Reason" hint="Seen by HR and the person only." {...state("refer")} />
                  {liveEpisodes.length ? (
                    <Select name="sicknessId" label="Absence it follows (optional)" options={liveEpisodes.map((e) => [e.id, `From ${day(e.firstDay)}`] as [string, string])} blank="None" {...state("refer")} />
                  ) : null}
                  <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state("refer")} />
                </Form>
              </details>
            ) : null}
          </section>
        ) : null}

        {data.approvals ? (
          <section class="card" id="approvals" aria-labelledby="approvals-h">
            <h2 id="approvals-h">AMHP approvals</h2>
            <Table personId={id} kind="amhp-approvals" rows={data.approvals} rights={r} names={data.names} />
            {r.hr ? (
              <details class="record-new" open={failed?.key === "approval" || undefined}>
                <summary>Record an AMHP approval</summary>
                <Form action="record-approval" personId={id} failed={failed} formKey="approval" button="Record approval">
                  <Field name="validFrom" label="Valid from" type="date" max={data.today} {...state("approval")} />
                  <Field name="validUntil" label="Valid until" type="date" hint="At most 5 years." {...state("approval")} />
                  <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state("approval")} />
                </Form>
              </details>
            ) : null}
          </section>
        ) : null}

        {data.training ? (
          <section class="card" id="training" aria-labelledby="training-h">
            <h2 id="training-h">Training</h2>
            <Table personId={id} kind="training" rows={data.training} rights={r} names={data.names} />
            {r.manage ? (
              <details class="record-new" open={failed?.key === "training" || undefined}>
                <summary>Record training</summary>
                <Form action="record-training" personId={id} failed={failed} formKey="training" button="Record training">
                  <Field name="date" label="Date" type="date" max={data.today} {...state("training")} />
                  <Field name="hours" label="Hours" type="number" inputmode="decimal" step="0.5" min="0.5" max="24" {...state("training")} />
                  <Field name="topic" label="Topic" {...state("training")} />
                  <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state("training")} />
                </Form>
              </details>
            ) : null}
          </section>
        ) : null}

        {data.leave ? (
          <section class="card" id="leave" aria-labelledby="leave-h">
            <h2 id="leave-h">Leave</h2>
            <Table personId={id} kind="leave" rows={data.leave} rights={r} names={data.names} />
            {r.manage ? (
              <details class="record-new" open={failed?.key === "leave" || undefined}>
                <summary>Record leave</summary>
                <Form action="record-leave" personId={id} failed={failed} formKey="leave" button="Record leave">
                  <Field name="from" label="From" type="date" {...state("leave")} />
                  <Field name="to" label="To" type="date" {...state("leave")} />
                  <Select name="kind" label="Kind of leave" options={LEAVE_KINDS} {...state("leave")} />
                  <Field name="lateEntryReason" label="Reason for a late entry" hint={LATE_HINT} {...state("leave")} />
                </Form>
              </details>
            ) : null}
          </section>
        ) : null}
      </div>
    </Layout>
  );
}

/** May this viewer write (correct, void) this record? As the API's void rule: a hint only. */
export function mayWrite(kind: Kind, row: Row, rights: Rights, userId: string): boolean {
  if (kind === "amhp-approvals") return rights.hr;
  if (kind === "supervisions" && row.recordedBy === userId) return true;
  return rights.manage;
}

/** One record: its facts, every version, and (for who may write it) correct and void. */
function Selected(props: { user: CurrentUser; tz: string; data: RecordData; failed?: Failed }) {
  const { data, failed, tz } = props;
  const sel = data.selected!;
  const view = KIND_VIEW[sel.kind];
  const p = data.person!;
  const row = sel.row;
  if (!row) {
    return (
      <section class="card" id="record" aria-labelledby="record-h">
        <h2 id="record-h">Record not found</h2>
        <p>That record is not on {p.name}'s record, or is not yours to see.</p>
      </section>
    );
  }
  const fields = fieldsOf(sel.kind, [row], data.rights);
  const writable = mayWrite(sel.kind, row, data.rights, props.user.id) && !isVoid(row);
  const state = (key: string, defaults: FormValues = {}) => (failed?.key === key ? { values: failed.values, errors: failed.errors, form: key } : { values: defaults, errors: {}, form: key });
  const who = (v: unknown) => (typeof v === "string" ? (data.names.get(v) ?? (v === props.user.id ? props.user.name : "Not shown")) : "");
  const hidden = { _kind: sel.kind, _record: row.id };
  return (
    <section class="card selected-record" id="record" aria-labelledby="record-h">
      <h2 id="record-h">
        {words(view.one)}: {shown(row, fields[0]![0], fields[0]![2], data.names)} <Flags row={row} />
      </h2>
      <dl class="alarm-facts">
        {fields.map(([f, label, as]) => (
          <>
            <dt>{label}</dt>
            <dd>{shown(row, f, as, data.names)}</dd>
          </>
        ))}
        <dt>Recorded</dt>
        <dd>
          {fmtInstant(str(row.recordedAt), tz)} by {who(row.recordedBy)}
        </dd>
        {row.late === true ? (
          <>
            <dt>Late entry</dt>
            <dd>{str(row.lateEntryReason) ?? "Yes"}</dd>
          </>
        ) : null}
        {isVoid(row) ? (
          <>
            <dt>Voided</dt>
            <dd>
              {fmtInstant(str(row.voidedAt), tz)} by {who(row.voidedBy)}: {str(row.voidReason) ?? ""}
            </dd>
          </>
        ) : null}
        {isDisputed(row) ? (
          <>
            <dt>Disputed (does not count)</dt>
            <dd>
              {fmtInstant(str(row.disputedAt), tz)} by {who(row.disputedBy)}: {str(row.disputeReason) ?? ""}
            </dd>
          </>
        ) : null}
      </dl>
      <h3>Versions</h3>
      {sel.history === null ? (
        <p class="hint">The history is not available right now.</p>
      ) : (
        <ol class="plain versions">
          {sel.history.map((v) => {
            const d = (v.data ?? {}) as Row;
            return (
              <li>
                <strong>Version {String(v.version)}</strong>
                {v.current === true ? " (current)" : null}: {fields.map(([f, label, as]) => `${label} ${shown(d, f, as, data.names)}`).join(" · ")}
                {v.current !== true ? (
                  <span class="hint">
                    {" "}
                    — {v.correction === true ? "corrected" : "updated"} {fmtInstant(str(v.changedAt), tz)} by {who(v.changedBy)}
                    {str(v.reason) ? `: ${str(v.reason)}` : ""}
                    {v.lateCorrection === true ? " (made a late entry)" : ""}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {writable && sel.kind === "sickness" ? (
        <div class="record-inline">
          <h3>Correct this absence</h3>
          <Form action="correct-absence" personId={p.id} failed={failed} formKey="correct" hidden={hidden} button="Correct">
            <Field name="firstDay" label="First day" type="date" max={data.today} {...state("correct", { firstDay: str(row.firstDay) ?? "" })} />
            <Field name="lastDay" label="Last day" type="date" max={data.today} hint="Blank while still absent." {...state("correct", { lastDay: str(row.lastDay) ?? "" })} />
            {data.rights.confidential && "cause" in row ? <Select name="cause" label="Cause" options={CAUSES} {...state("correct", { cause: str(row.cause) ?? "" })} /> : null}
            <Field name="reason" label="Reason" hint="Why the record was wrong." {...state("correct")} />
            <Field name="lateEntryReason" label="Reason for a late entry" hint="Only when moving the first day back to more than 7 days ago." {...state("correct")} />
          </Form>
        </div>
      ) : null}
      {writable && sel.kind === "oh-referrals" ? (
        <div class="record-inline">
          <h3>Appointment, report and outcome</h3>
          <Form action="oh-progress" personId={p.id} failed={failed} formKey="oh-progress" hidden={hidden} button="Correct">
            <Field name="appointmentOn" label="Appointment on" type="date" {...state("oh-progress", { appointmentOn: str(row.appointmentOn) ?? "" })} />
            <Field name="reportReceivedOn" label="Report received on" type="date" max={data.today} {...state("oh-progress", { reportReceivedOn: str(row.reportReceivedOn) ?? "" })} />
            <TextArea name="outcome" label="Outcome" {...state("oh-progress", { outcome: str(row.outcome) ?? "" })} />
            <Field name="reason" label="Reason" hint="Needed when changing a value already recorded." {...state("oh-progress")} />
          </Form>
        </div>
      ) : null}
      {writable && sel.kind !== "sickness" && sel.kind !== "oh-referrals" ? <p class="hint">To correct this {view.one}, void it with a reason and record it again.</p> : null}
      {writable ? (
        <div class="record-inline">
          <h3>Void this {view.one}</h3>
          <p class="hint">A void record stays on the record, marked void, and no longer counts. Nothing is deleted.</p>
          <Form action="void" personId={p.id} failed={failed} formKey="void" hidden={hidden} button="Void" danger>
            <Field name="reason" label="Reason" hint="Why this record should not count." {...state("void")} />
          </Form>
        </div>
      ) : null}
      <p>
        <a href={`/staff/${encodeURIComponent(p.id)}`}>Back to the whole record</a>
      </p>
    </section>
  );
}
