// A person's record (/staff/:id): read through the API as the viewer (HR, their manager,
// themselves: the API decides what each sees), and every form on it posted here with a
// hidden `_action`, sent to the API as the viewer, then POST → 303 → GET with a notice, or
// the page again with the API's errors beside the fields, the values as sent, nothing written.
import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../deps.js";
import { localDay } from "../calendar/days.js";
import { isHrOrAdmin, manages } from "../hr/access.js";
import { HrRecord, RecordHistory, ReferralList, SicknessList, StaffRecordLists, SupervisionList } from "../hr/routes.js";
import { StaffList, StaffSchema } from "../staff/routes.js";
import { RECORD_KINDS } from "../hr/kinds.js";
import { dataOr, fieldErrors, load, send, type Answer } from "./api.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { errorsFor, type FormValues } from "./forms.js";
import { fmtDate } from "./format.js";
import { DONE, RecordPage, type Failed, type Kind, type RecordData, type Row } from "./pages/record.js";

const tzOf = (c: Context<AppEnv>) => c.get("deps").config.TZ_LOCAL;
const todayOf = (c: Context<AppEnv>) => localDay(c.get("deps").clock.now(), tzOf(c));
const enc = encodeURIComponent;
const KINDS: readonly Kind[] = RECORD_KINDS;

async function loadRecord(c: Context<AppEnv>, user: CurrentUser, id: string, select?: { kind: string; id: string }): Promise<RecordData> {
  const today = todayOf(c);
  const none: RecordData = {
    person: null,
    rights: { manage: false, hr: false, confidential: false, self: false },
    today,
    names: new Map(),
    supervisors: [],
    supervisions: null,
    episodes: null,
    referrals: null,
    approvals: null,
    training: null,
    leave: null,
  };
  const who = await load(c, `/api/staff/${enc(id)}`, StaffSchema);
  if (!who.ok) return none;
  const person = who.data;
  const base = `/api/staff/${enc(id)}`;
  const [staff, sup, sick, oh, lists] = await Promise.all([
    load(c, "/api/staff", StaffList),
    load(c, `${base}/supervisions`, SupervisionList),
    load(c, `${base}/sickness`, SicknessList),
    load(c, `${base}/oh-referrals`, ReferralList),
    load(c, `${base}/hr-records`, StaffRecordLists),
  ]);
  const everyone = dataOr(staff)?.staff ?? [];
  const names = new Map(everyone.map((s) => [s.id, s.name]));
  names.set(user.id, user.name);
  names.set(person.id, person.name);
  // Who may supervise them (as the API's rule: a manager of their team or a senior manager, active).
  const supervisors = everyone
    .filter((s) => s.active && s.id !== person.id && (s.roles.includes("senior_manager") || (s.roles.includes("manager") && s.teamId !== null && s.teamId === person.teamId)))
    .map((s) => [s.id, s.name] as [string, string]);
  const ref = { id: person.id, teamId: person.teamId };
  const rows = <T extends { [k: string]: Row[] }>(a: Answer<T>, key: keyof T) => (a.ok ? (a.data[key] as Row[]) : null);
  const data: RecordData = {
    person,
    rights: { manage: manages(user, ref), hr: isHrOrAdmin(user), confidential: isHrOrAdmin(user) || user.id === person.id, self: user.id === person.id },
    today,
    names,
    supervisors,
    defaultSupervisor: supervisors.some(([sid]) => sid === user.id) ? user.id : undefined,
    supervisions: rows(sup, "supervisions"),
    episodes: rows(sick, "episodes"),
    referrals: rows(oh, "referrals"),
    approvals: rows(lists, "approvals"),
    training: rows(lists, "training"),
    leave: rows(lists, "leave"),
  };
  if (select && (KINDS as string[]).includes(select.kind)) {
    const kind = select.kind as Kind;
    const pool: Row[] =
      kind === "return-to-work"
        ? (data.episodes ?? []).flatMap((e) => (e.returnToWork ? [e.returnToWork as Row] : []))
        : (({ supervisions: data.supervisions, sickness: data.episodes, "oh-referrals": data.referrals, "amhp-approvals": data.approvals, training: data.training, leave: data.leave }) as Record<string, Row[] | null>)[kind] ?? [];
    const found = pool.find((r) => r.id === select.id) ?? null;
    const history = found ? await load(c, `/api/records/${kind}/${enc(select.id)}/history`, RecordHistory) : null;
    const versions = history?.ok ? (history.data.versions as unknown as Row[]) : null;
    // The current version carries every field (a return-to-work's notes, for who may read them).
    const current = versions?.find((v) => v.current === true)?.data as Row | undefined;
    data.selected = { kind, row: found ? { ...found, ...(current ?? {}) } : null, history: versions };
  }
  return data;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
/** A form's text as the API takes it: trimmed; empty is absent. */
const text = (values: FormValues, k: string) => {
  const s = one(values[k]).trim();
  return s === "" ? undefined : s;
};
/** A number field: a number, or the text as typed (the API says what is wrong with it). */
const num = (values: FormValues, k: string) => {
  const s = text(values, k);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
};
const pick = (values: FormValues, keys: string[]) => Object.fromEntries(keys.map((k) => [k, text(values, k)]).filter(([, v]) => v !== undefined));

// The words a person reads for the API's field names and its terse messages.
const LABELS: Record<string, string> = {
  heldOn: "the day it was held",
  supervisorId: "the supervisor",
  firstDay: "the first day",
  lastDay: "the last day",
  cause: "the cause",
  referredOn: "the day of the referral",
  reason: "a reason",
  lateEntryReason: "a reason for the late entry",
  validFrom: "the first day of the approval",
  validUntil: "the last day of the approval",
  date: "the day of the training",
  hours: "the hours",
  topic: "the topic",
  from: "the first day of leave",
  to: "the last day of leave",
  kind: "the kind",
  durationMinutes: "the length in minutes",
  appointmentOn: "the appointment day",
  reportReceivedOn: "the day the report came",
  outcome: "the outcome",
};
function plain(field: string, message: string): string {
  if (/received undefined|^Required$/i.test(message)) return `Enter ${LABELS[field] ?? "a value"}.`;
  if (/expected number/i.test(message)) return `Enter ${LABELS[field] ?? "a value"} as a number.`;
  let m = message.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (d) => fmtDate(d));
  // Only the API's camelCase names: "date", "from" or "reason" are words in its sentences too.
  for (const [k, words] of Object.entries(LABELS)) if (/[A-Z]/.test(k)) m = m.replace(new RegExp(`\\b(a |the )?${k}\\b`, "g"), words);
  m = m.replace(/^(Invalid option: expected one of .*)$/, `Choose ${LABELS[field] ?? "an option"}.`);
  return m.charAt(0).toUpperCase() + m.slice(1);
}

type Job = { key: string; fields: string[]; call: () => Promise<Answer<unknown>>; done: string; to?: string };

function jobFor(c: Context<AppEnv>, personId: string, values: FormValues): Job | null {
  const base = `/api/staff/${enc(personId)}`;
  const rec = enc(one(values._record));
  const kind = one(values._kind);
  const late = { lateEntryReason: text(values, "lateEntryReason") };
  const back = (done: string, anchor: string) => `/staff/${enc(personId)}?done=${done}#${anchor}`;
  const atRecord = (done: string) => `/staff/${enc(personId)}?kind=${enc(kind)}&record=${rec}&done=${done}#record`;
  switch (one(values._action)) {
    case "record-supervision":
      return {
        key: "supervision",
        fields: ["heldOn", "supervisorId", "kind", "durationMinutes", "lateEntryReason"],
        call: () => send(c, "POST", `${base}/supervisions`, { ...pick(values, ["heldOn", "supervisorId", "kind"]), durationMinutes: num(values, "durationMinutes"), ...late }, HrRecord),
        done: back("supervision", "supervision"),
      };
    case "record-absence":
      return {
        key: "absence",
        fields: ["firstDay", "cause", "lastDay", "lateEntryReason"],
        call: () => send(c, "POST", `${base}/sickness`, { ...pick(values, ["firstDay", "cause", "lastDay"]), ...late }, HrRecord),
        done: back("absence", "sickness"),
      };
    case "close-absence":
      return {
        key: `close-${one(values._record)}`,
        fields: ["lastDay"],
        call: () => send(c, "PATCH", `/api/sickness/${rec}`, { lastDay: text(values, "lastDay") ?? "" }, HrRecord),
        done: back("closed", "return-to-work"),
      };
    case "record-interview":
      return {
        key: `rtw-${one(values._record)}`,
        fields: ["heldOn", "notes", "lateEntryReason"],
        call: () => send(c, "POST", `/api/sickness/${rec}/return-to-work`, { ...pick(values, ["heldOn", "notes"]), ...late }, HrRecord),
        done: back("interview", "return-to-work"),
      };
    case "refer":
      return {
        key: "refer",
        fields: ["referredOn", "reason", "sicknessId", "lateEntryReason"],
        call: () => send(c, "POST", `${base}/oh-referrals`, { ...pick(values, ["referredOn", "sicknessId"]), reason: one(values.reason), ...late }, HrRecord),
        done: back("referred", "oh-referrals"),
      };
    case "record-approval":
      return {
        key: "approval",
        fields: ["validFrom", "validUntil", "lateEntryReason"],
        call: () => send(c, "POST", `${base}/amhp-approvals`, { ...pick(values, ["validFrom", "validUntil"]), ...late }, HrRecord),
        done: back("approval", "approvals"),
      };
    case "record-training":
      return {
        key: "training",
        fields: ["date", "hours", "topic", "lateEntryReason"],
        call: () => send(c, "POST", `${base}/training`, { ...pick(values, ["date", "topic"]), hours: num(values, "hours"), ...late }, HrRecord),
        done: back("training", "training"),
      };
    case "record-leave":
      return {
        key: "leave",
        fields: ["from", "to", "kind", "lateEntryReason"],
        call: () => send(c, "POST", `${base}/leave`, { ...pick(values, ["from", "to", "kind"]), ...late }, HrRecord),
        done: back("leave", "leave"),
      };
    case "correct-absence":
      return {
        key: "correct",
        fields: ["firstDay", "lastDay", "cause", "reason", "lateEntryReason"],
        // Blank last day: still absent (null); a cause only when the form had one (HR).
        call: () =>
          send(c, "PATCH", `/api/sickness/${rec}`, { ...pick(values, ["firstDay", "cause", "reason"]), lastDay: text(values, "lastDay") ?? null, ...late }, HrRecord),
        done: atRecord("corrected"),
      };
    case "oh-progress":
      return {
        key: "oh-progress",
        fields: ["appointmentOn", "reportReceivedOn", "outcome", "reason"],
        call: () => send(c, "PATCH", `/api/oh-referrals/${rec}`, pick(values, ["appointmentOn", "reportReceivedOn", "outcome", "reason"]), HrRecord),
        done: atRecord("oh-progress"),
      };
    case "void":
      if (!(KINDS as string[]).includes(kind)) return null;
      return {
        key: "void",
        fields: ["reason"],
        call: () => send(c, "POST", `/api/records/${kind}/${rec}/void`, { reason: one(values.reason) }, HrRecord),
        done: atRecord("voided"),
      };
    default:
      return null;
  }
}

definePage("/staff/:id", {
  get: async (c, user) => {
    const id = c.req.param("id");
    const kind = c.req.query("kind");
    const record = c.req.query("record");
    const data = await loadRecord(c, user, id, kind && record ? { kind, id: record } : undefined);
    return page(c, RecordPage({ user, tz: tzOf(c), data, notice: DONE[c.req.query("done") ?? ""] }));
  },
  post: async (c, user) => {
    const id = c.req.param("id");
    const values = await formOf(c);
    const job = jobFor(c, id, values);
    const select = one(values._kind) && one(values._record) ? { kind: one(values._kind), id: one(values._record) } : undefined;
    if (!job) {
      const data = await loadRecord(c, user, id, select);
      const failed: Failed = { key: "", values, errors: { "": "This form was not recognised: nothing was saved. Reload the page and try again." } };
      return page(c, RecordPage({ user, tz: tzOf(c), data, failed }), 400);
    }
    const answer = await job.call();
    if (answer.ok) return seeOther(c, job.done);
    const problem = answer.ok ? null : answer.problem;
    const raw = errorsFor(fieldErrors(problem), job.fields, problem?.detail ?? problem?.title ?? `The change was refused (${answer.status}).`);
    const errors = Object.fromEntries(Object.entries(raw).map(([f, m]) => [f, f ? plain(f, m) : m]));
    const data = await loadRecord(c, user, id, job.key === "correct" || job.key === "void" || job.key === "oh-progress" ? select : undefined);
    return page(c, RecordPage({ user, tz: tzOf(c), data, failed: { key: job.key, values, errors } }), answer.status);
  },
});
