// Pages registered here (issue 11): /rota/:id, the rota builder, and /rota/new (the same
// declared path with the id "new"): the form that creates a rota. Everything is read and
// written through the rota API as the caller; the API decides who may do what. The pattern
// preview expands the form's pattern with the rota's own expansion (src/rota/expand.ts),
// the code the API's shifts come from, and saves nothing.
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv, CurrentUser } from "../deps.js";
import { addDays, localDay, offsetMinutes, zonedInstant, isDayInRange } from "../calendar/days.js";
import { expandPattern, parseShiftRule, type PatternSpec } from "../rota/expand.js";
import { AssignmentCheckSchema, Coverage, RotaList, RotaSchema, ShiftList, WarningSchema } from "../rota/routes.js";
import { StaffList } from "../staff/routes.js";
import { HrRecord } from "../hr/routes.js";
import { Row } from "../reports/routes.js";
import { reportResponse } from "../reports/format.js";
import { MANAGER_COVER, ROTA_EDITORS, hasAny } from "../staff/roles.js";
import { load, send, dataOr, fieldErrors, type Answer } from "./api.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { fmtDate, words } from "./format.js";
import { errorsFor, type FormErrors, type FormValues } from "./forms.js";
import { ForbiddenPage } from "./pages/forbidden.js";
import { rotaRange } from "./pages/rota.js";
import { NewRotaPage, NoRotaPage, RotaBuilderPage, type BuilderData, type Candidate, type Preview, type PreviewShift, type Sent } from "./pages/rota-builder.js";

// The answers this page reads, as the rota routes give them.
const PatternRead = z.object({
  id: z.string(),
  rrule: z.string(),
  startTime: z.string(),
  durationMinutes: z.number(),
  label: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  skipBankHolidays: z.boolean(),
  addBankHolidays: z.boolean(),
});
const RotaWithPatterns = RotaSchema.extend({ patterns: z.array(PatternRead) });
const Made = z.object({ id: z.string() });
const Assigned = z.object({ id: z.string(), warnings: z.array(WarningSchema) });
const RotationMade = z.object({ assignments: z.array(z.object({ id: z.string() })), skipped: z.array(z.object({ staffId: z.string(), reason: z.string() })), unfilled: z.array(z.object({ start: z.string() })) });
const HrRecords = z.object({ leave: z.array(HrRecord) });
const Report = reportResponse(Row, "").content["application/json"].schema;

/** The warnings that are Working Time rules (the others are records: leave, sickness, training). */
const WORKING_TIME = new Set(["short_rest", "no_weekly_rest", "over_48_hours"]);
const tzOf = (c: Context<AppEnv>) => c.get("deps").config.TZ_LOCAL;
const todayOf = (c: Context<AppEnv>) => localDay(c.get("deps").clock.now(), tzOf(c));
const one = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").trim();
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
const enc = encodeURIComponent;

const DONE: Record<string, string> = {
  created: "Rota created. Add a pattern below so it has shifts.",
  pattern: "Pattern added.",
  ended: "Pattern ended.",
  assigned: "Assigned.",
  cancelled: "Assignment cancelled, with the reason kept.",
  rotation: "Rotation run.",
};

function doneText(q: (k: string) => string | undefined): string | undefined {
  const key = q("done");
  if (!key || !DONE[key]) return undefined;
  if (key === "assigned") {
    const warn = (q("warn") ?? "").split(",").filter((w) => /^[a-z_]{1,40}$/.test(w));
    return warn.length ? `Assigned, with warnings: ${warn.map(words).join(", ")}. See "Warnings on this week's assignments".` : DONE.assigned;
  }
  if (key === "rotation") {
    const n = (k: string) => Math.max(0, Math.min(100_000, Number(q(k)) || 0));
    return `Rotation run: ${n("made")} shift${n("made") === 1 ? "" : "s"} assigned, ${n("skipped")} time${n("skipped") === 1 ? "" : "s"} someone was passed over, ${n("unfilled")} shift${n("unfilled") === 1 ? "" : "s"} still unfilled.`;
  }
  return DONE[key];
}

/** The week view's days and the API's ranges for it. */
function weekOf(c: Context<AppEnv>, wanted: string | undefined) {
  const tz = tzOf(c);
  const today = todayOf(c);
  const date = wanted && isDayInRange(wanted) ? wanted : today;
  const { from, to } = rotaRange("week", date);
  const fromI = zonedInstant(from, "00:00", tz).toISOString();
  const toI = zonedInstant(addDays(to, 1), "00:00", tz).toISOString();
  // Gaps of a shift that starts on the last day shown may run past it (up to 7 days).
  const gapTo = zonedInstant(addDays(to, 8), "00:00", tz).toISOString();
  return { tz, today, date, from, to, fromI, toI, gapTo };
}

/** "start|end" of a shift or gap, both instants, or undefined. */
function parseSlot(slot: string | undefined): { start: string; end: string } | undefined {
  const [start, end] = (slot ?? "").split("|");
  if (!start || !end || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) return undefined;
  return { start, end };
}

/**
 * Who is free for the slot, as far as the API tells this caller: the role for manager
 * cover, the approvals report for AMHP duty, each person's leave records, the sickness
 * report for who is off sick, every rota's shifts for who is already on duty. Working
 * Time comes from the API's dry run of assigning each person still free. The API still decides on "Assign".
 */
async function candidatesFor(c: Context<AppEnv>, rota: { id: string; kind: string }, slot: { start: string; end: string } | undefined): Promise<{ candidates: Candidate[] | null; people: { id: string; name: string }[] | null }> {
  const staff = dataOr(await load(c, "/api/staff", StaffList))?.staff.filter((s) => s.active) ?? null;
  if (!staff) return { candidates: null, people: null };
  const people = staff.map((s) => ({ id: s.id, name: s.name })).sort((a, b) => a.name.localeCompare(b.name));
  const why = new Map<string, string>();
  if (slot) {
    const tz = tzOf(c);
    const first = localDay(new Date(slot.start), tz);
    const last = localDay(new Date(Date.parse(slot.end) - 1), tz);
    const [approvals, sickness, rotas] = await Promise.all([
      rota.kind === "amhp_duty" ? load(c, `/api/reports/amhp-approvals?asOf=${first}`, Report) : null,
      load(c, `/api/reports/sickness?asOf=${first}`, Report),
      load(c, "/api/rotas", RotaList),
    ]);
    const onDuty = new Map<string, string>();
    for (const r of dataOr(rotas)?.rotas ?? []) {
      const shifts = dataOr(await load(c, `/api/rotas/${enc(r.id)}/shifts?from=${enc(slot.start)}&to=${enc(slot.end)}`, ShiftList))?.shifts ?? [];
      for (const s of shifts) for (const p of s.staff) if (p.start < slot.end && slot.start < p.end && !onDuty.has(p.id)) onDuty.set(p.id, r.name);
    }
    // Leave, from each person's own records (those who could hold this kind of shift).
    const mayHold = staff.filter((s) => (rota.kind === "manager_cover" ? hasAny(s, MANAGER_COVER) : s.roles.includes("amhp")));
    const onLeave = new Map<string, string>();
    await Promise.all(
      mayHold.map(async (s) => {
        for (const l of dataOr(await load(c, `/api/staff/${enc(s.id)}/hr-records`, HrRecords))?.leave ?? []) {
          const r = l as Record<string, unknown>;
          if (r.voidedAt || typeof r.from !== "string" || typeof r.to !== "string") continue;
          if (r.from <= last && r.to >= first) onLeave.set(s.id, `on ${typeof r.kind === "string" ? words(r.kind).toLowerCase() : ""} leave ${fmtDate(r.from)} to ${fmtDate(r.to)}`.replace("  ", " "));
        }
      }),
    );
    const approvalRows = new Map((dataOr(approvals as Answer<z.output<typeof Report>>)?.rows ?? []).map((r) => [String(r.staffId), r as Record<string, unknown>]));
    const sick = new Set((dataOr(sickness)?.rows ?? []).filter((r) => (r as Record<string, unknown>).currentlyAbsent === true).map((r) => String(r.staffId)));
    for (const s of staff) {
      const reasons: string[] = [];
      if (rota.kind === "manager_cover" && !hasAny(s, MANAGER_COVER)) reasons.push("not a manager (manager cover needs one)");
      if (rota.kind === "amhp_duty" && approvals?.ok) {
        const a = approvalRows.get(s.id);
        const from = typeof a?.validFrom === "string" ? a.validFrom : undefined;
        const until = typeof a?.validUntil === "string" ? a.validUntil : undefined;
        if (!until) reasons.push("no AMHP approval");
        else if (until < last) reasons.push(`AMHP approval ends ${fmtDate(until)}`);
        else if (from && from > first) reasons.push(`AMHP approval starts ${fmtDate(from)}`);
      }
      if (onLeave.has(s.id)) reasons.push(onLeave.get(s.id)!);
      if (sick.has(s.id)) reasons.push("off sick");
      if (onDuty.has(s.id)) reasons.push(`already on duty then (${onDuty.get(s.id)})`);
      if (reasons.length) why.set(s.id, reasons.join("; "));
    }
    // Those still free: the API's own dry run of assigning them to this slot (the same check
    // as Assign, nothing written) adds a refusal the reads above missed and any Working Time warning.
    await Promise.all(
      mayHold
        .filter((s) => !why.has(s.id))
        .map(async (s) => {
          const check = dataOr(await send(c, "POST", `/api/rotas/${enc(rota.id)}/assignments/check`, { staffId: s.id, start: slot.start, end: slot.end }, AssignmentCheckSchema));
          if (!check) return;
          if (!check.ok && check.refusal) why.set(s.id, check.refusal.errors[0]?.message ?? check.refusal.detail);
          const wt = [...new Set(check.warnings.filter((w) => WORKING_TIME.has(w.kind)).map((w) => words(w.kind).toLowerCase()))];
          if (wt.length) why.set(s.id, `Working Time: ${wt.join(", ")}`);
        }),
    );
  }
  return { candidates: people.map((p) => ({ ...p, why: why.get(p.id) ?? "" })), people };
}

interface Extra {
  slot?: string;
  cancelId?: string;
  sent?: Sent;
  preview?: Preview;
  rotationPreview?: BuilderData["rotationPreview"];
  assignWarnings?: BuilderData["assignWarnings"];
  done?: string;
  date?: string;
}

async function render(c: Context<AppEnv>, user: CurrentUser, id: string, extra: Extra, status = 200): Promise<Response> {
  const rotaA = await load(c, `/api/rotas/${enc(id)}`, RotaWithPatterns);
  // An unknown rota is a page that says so (200, as the page × role matrix expects of every page).
  if (!rotaA.ok) return page(c, NoRotaPage({ user }), rotaA.status === 404 || rotaA.status === 400 ? 200 : rotaA.status);
  const rota = rotaA.data;
  const w = weekOf(c, extra.date);
  const canEdit = hasAny(user, ROTA_EDITORS);
  const [shifts, coverage, gapCover] = await Promise.all([
    load(c, `/api/rotas/${enc(id)}/shifts?from=${enc(w.fromI)}&to=${enc(w.toI)}`, ShiftList),
    load(c, `/api/rotas/${enc(id)}/coverage?from=${enc(w.fromI)}&to=${enc(w.toI)}`, Coverage),
    load(c, `/api/rotas/${enc(id)}/coverage?from=${enc(w.fromI)}&to=${enc(w.gapTo)}`, Coverage),
  ]);
  const slotValue = extra.sent?.form === "assign" ? one(extra.sent.values.slot) : extra.slot;
  const picker = canEdit ? await candidatesFor(c, rota, parseSlot(slotValue)) : { candidates: null, people: null };
  const data: BuilderData = {
    rota,
    canEdit,
    date: w.date,
    from: w.from,
    to: w.to,
    prev: addDays(w.from, -7),
    next: addDays(w.from, 7),
    today: w.today,
    shifts: dataOr(shifts)?.shifts ?? null,
    gaps: dataOr(gapCover)?.gaps ?? null,
    conflicts: dataOr(coverage)?.conflicts ?? null,
    slot: parseSlot(slotValue) ? slotValue : undefined,
    cancelId: extra.cancelId,
    candidates: picker.candidates,
    people: picker.people,
    sent: extra.sent,
    preview: extra.preview,
    rotationPreview: extra.rotationPreview,
    assignWarnings: extra.assignWarnings,
    done: extra.done,
  };
  return page(c, RotaBuilderPage({ user, tz: w.tz, data }), status);
}

/** A refusal's errors for a form: the API's field errors beside their fields (renamed where the form's field differs), else its detail beside `main`. */
function refusal(problem: Parameters<typeof fieldErrors>[0], fields: readonly string[], rename: Record<string, string> = {}, main?: string): FormErrors {
  const raw = fieldErrors(problem);
  const named: FormErrors = {};
  for (const [k, v] of Object.entries(raw)) named[rename[k.split(".")[0]!] ?? k] ??= v;
  const out = errorsFor(named, fields);
  if (Object.keys(out).length === 0 && problem?.detail) out[main ?? ""] = problem.detail;
  if (Object.keys(out).length === 0) out[main ?? ""] = problem?.title ?? "That could not be saved.";
  return out;
}

const PATTERN_FIELDS = ["label", "days", "startTime", "hours", "bankHolidays", "startsOn", "endsOn", "rrule"] as const;

/** The API's body for a pattern from the form, or the form's own errors (nothing sent). */
function patternBody(v: FormValues): { body: Record<string, unknown>; errors: FormErrors; usesRaw: boolean } {
  const errors: FormErrors = {};
  const raw = one(v.rrule);
  const days = many(v.days).filter((d) => /^(MO|TU|WE|TH|FR|SA|SU)$/.test(d));
  if (!raw && days.length === 0) errors.days = "Tick at least one day, or write an RRULE under Advanced";
  const rrule = raw || (days.length === 7 ? "FREQ=DAILY" : `FREQ=WEEKLY;BYDAY=${days.join(",")}`);
  const hoursText = one(v.hours);
  const hours = Number(hoursText);
  const body: Record<string, unknown> = {
    rrule,
    startTime: one(v.startTime),
    // A length that is not a number goes as written, so the API names the field.
    durationMinutes: hoursText === "" ? undefined : Number.isFinite(hours) ? Math.round(hours * 60) : hoursText,
    label: one(v.label) || undefined,
    startsOn: one(v.startsOn) || undefined,
    endsOn: one(v.endsOn) || undefined,
    skipBankHolidays: one(v.bankHolidays) === "skip" || undefined,
    addBankHolidays: one(v.bankHolidays) === "add" || undefined,
  };
  if (hoursText === "") errors.hours = "Enter the length in hours, for example 8";
  return { body, errors, usesRaw: !!raw };
}
const patternRename = (usesRaw: boolean): Record<string, string> => ({ rrule: usesRaw ? "rrule" : "days", durationMinutes: "hours", addBankHolidays: "bankHolidays", skipBankHolidays: "bankHolidays" });

/** The shifts the pattern would make, from the rota's own expansion; or the form's errors. */
function previewOf(c: Context<AppEnv>, v: FormValues): { preview?: Preview; errors: FormErrors } {
  const { body, errors, usesRaw } = patternBody(v);
  const tz = tzOf(c);
  const rule = parseShiftRule(String(body.rrule));
  if (!rule.ok && !errors.days) errors[usesRaw ? "rrule" : "days"] = rule.message;
  // The same rule as the API's schema: HH:MM on the 24-hour clock.
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(String(body.startTime))) errors.startTime = "must be HH:MM (24-hour)";
  const minutes = body.durationMinutes;
  if (!errors.hours && (typeof minutes !== "number" || minutes < 1 || minutes > 7 * 24 * 60)) errors.hours = "must be between 1 minute and 7 days";
  const startsOn = (body.startsOn as string | undefined) ?? todayOf(c);
  if (!isDayInRange(startsOn)) errors.startsOn = "must be a date";
  const endsOn = body.endsOn as string | undefined;
  if (endsOn && !isDayInRange(endsOn)) errors.endsOn = "must be a date";
  if (Object.keys(errors).length) return { errors };
  const spec: PatternSpec = {
    id: "preview",
    rrule: String(body.rrule),
    startTime: String(body.startTime),
    durationMinutes: minutes as number,
    label: (body.label as string | undefined) ?? null,
    startsOn,
    endsOn: endsOn ?? null,
    skipBankHolidays: body.skipBankHolidays === true,
    addBankHolidays: body.addBankHolidays === true,
  };
  const view = (from: string, days: number): PreviewShift[] =>
    expandPattern(spec, zonedInstant(from, "00:00", tz), zonedInstant(addDays(from, days), "00:00", tz), tz)
      .filter((s) => s.day >= from)
      .map((s) => {
        const hours = (s.end.getTime() - s.start.getTime()) / 3_600_000;
        return { start: s.start.toISOString(), end: s.end.toISOString(), label: s.label, hours, clockChange: Math.abs(hours * 60 - spec.durationMinutes) > 0.5 };
      });
  const next = view(startsOn, 62).slice(0, 10);
  // The next clock change within a year of the start, and that week's shifts.
  let change: string | undefined;
  for (let d = startsOn, i = 0; i < 400; i++, d = addDays(d, 1)) {
    if (offsetMinutes(zonedInstant(addDays(d, 1), "12:00", tz), tz) !== offsetMinutes(zonedInstant(d, "12:00", tz), tz)) {
      change = addDays(d, 1);
      break;
    }
  }
  return { errors, preview: { next, clockChange: change ? { day: change, shifts: view(addDays(change, -3), 7) } : undefined } };
}

definePage("/rota/:id", {
  get: async (c, user) => {
    const id = c.req.param("id");
    if (id === "new") {
      if (!hasAny(user, ROTA_EDITORS)) return page(c, ForbiddenPage({ user, what: "Making a rota is for managers and administrators." }), 403);
      return page(c, NewRotaPage({ user, values: { kind: "amhp_duty" }, errors: {} }));
    }
    return render(c, user, id, { date: c.req.query("date"), slot: c.req.query("slot"), cancelId: c.req.query("cancel"), done: doneText((k) => c.req.query(k)) });
  },
  post: async (c, user) => {
    const id = c.req.param("id");
    const v = await formOf(c);
    if (id === "new") {
      const required = one(v.requiredStaff);
      const body = { name: one(v.name), kind: one(v.kind), requiredStaff: required === "" ? undefined : Number.isFinite(Number(required)) ? Number(required) : required };
      const made = await send(c, "POST", "/api/rotas", body, Made);
      if (made.ok) return seeOther(c, `/rota/${enc(made.data.id)}?done=created`);
      if (made.status === 403) return page(c, ForbiddenPage({ user, what: "Making a rota is for managers and administrators." }), 403);
      return page(c, NewRotaPage({ user, values: v, errors: refusal(made.problem, ["name", "kind", "requiredStaff"]) }), made.status);
    }
    const date = one(v.date) || c.req.query("date");
    const back = (done: string) => seeOther(c, `/rota/${enc(id)}?${date && isDayInRange(date) ? `date=${date}&` : ""}${done}`);
    const refused = (form: Sent["form"], errors: FormErrors, status: number, preview?: Preview) => render(c, user, id, { date, sent: { form, values: v, errors }, preview }, status);
    const action = one(v._action);

    if (action === "preview") {
      const { preview, errors } = previewOf(c, v);
      return preview ? render(c, user, id, { date, sent: { form: "preview", values: v, errors: {} }, preview }) : refused("preview", errors, 400);
    }
    if (action === "add-pattern") {
      const { body, errors, usesRaw } = patternBody(v);
      if (Object.keys(errors).length) return refused("add-pattern", errors, 400);
      const made = await send(c, "POST", `/api/rotas/${enc(id)}/patterns`, body, Made);
      if (made.ok) return back("done=pattern");
      return refused("add-pattern", refusal(made.problem, PATTERN_FIELDS, patternRename(usesRaw)), made.status);
    }
    if (action === "end-pattern") {
      const patternId = one(v.patternId);
      if (!patternId) return refused("end-pattern", { patternId: "Pick the pattern to end" }, 400);
      const made = await send(c, "POST", `/api/patterns/${enc(patternId)}/end`, { endsOn: one(v.endsOn) }, Made);
      if (made.ok) return back("done=ended");
      return refused("end-pattern", refusal(made.problem, ["patternId", "endsOn"], {}, "patternId"), made.status);
    }
    if (action === "assign" || action === "assign-confirmed") {
      const slot = parseSlot(one(v.slot));
      const errors: FormErrors = {};
      if (!slot) errors.slot = "Pick a shift or gap";
      if (!one(v.staffId)) errors.staffId = "Choose a person";
      if (!slot || errors.staffId) return refused("assign", errors, 400);
      const assignFields = ["slot", "staffId"] as const;
      const assignRename = { start: "slot", end: "slot" };
      if (action === "assign") {
        // First the API's dry run (the same checks as assigning, nothing written): warnings
        // are shown before saving, with "Assign anyway"; none, and it assigns at once.
        const check = await send(c, "POST", `/api/rotas/${enc(id)}/assignments/check`, { staffId: one(v.staffId), start: slot.start, end: slot.end }, AssignmentCheckSchema);
        if (!check.ok) return refused("assign", refusal(check.problem, assignFields, assignRename, "staffId"), check.status);
        const r = check.data.refusal;
        if (!check.data.ok && r) {
          const problem = { type: "urn:dutyline:problem:assignment-check", title: "Not assigned", status: r.status, detail: r.detail, errors: r.errors };
          return refused("assign", refusal(problem, assignFields, assignRename, "staffId"), r.status);
        }
        if (check.data.warnings.length) return render(c, user, id, { date, sent: { form: "assign", values: v, errors: {} }, assignWarnings: check.data.warnings });
      }
      const made = await send(c, "POST", `/api/rotas/${enc(id)}/assignments`, { staffId: one(v.staffId), start: slot.start, end: slot.end }, Assigned);
      if (made.ok) {
        const kinds = [...new Set(made.data.warnings.map((x) => x.kind))];
        return back(`done=assigned${kinds.length ? `&warn=${kinds.join(",")}` : ""}`);
      }
      // A refusal (not eligible, double-booked, unknown person) is about the person chosen.
      return refused("assign", refusal(made.problem, assignFields, assignRename, "staffId"), made.status);
    }
    if (action === "cancel") {
      const assignmentId = one(v.assignmentId);
      if (!assignmentId) return refused("cancel", { assignmentId: "Pick the assignment to cancel" }, 400);
      const made = await send(c, "POST", `/api/assignments/${enc(assignmentId)}/cancel`, { reason: one(v.reason) }, Made);
      if (made.ok) return back("done=cancelled");
      return refused("cancel", refusal(made.problem, ["assignmentId", "reason"], {}, "assignmentId"), made.status);
    }
    if (action === "rotation-preview") {
      // The API's own shifts in the dates, those below the headcount: what a rotation would share out.
      const from = one(v.from);
      const to = one(v.to);
      const errors: FormErrors = {};
      if (!isDayInRange(from)) errors.from = "Enter the first day";
      if (!isDayInRange(to)) errors.to = "Enter the last day";
      else if (!errors.from && to < from) errors.to = "must not be before From";
      if (Object.keys(errors).length) return refused("rotation-preview", errors, 400);
      const tz = tzOf(c);
      const range = `from=${enc(zonedInstant(from, "00:00", tz).toISOString())}&to=${enc(zonedInstant(addDays(to, 1), "00:00", tz).toISOString())}`;
      const [rotaA, shiftsA, staffA] = await Promise.all([load(c, `/api/rotas/${enc(id)}`, RotaWithPatterns), load(c, `/api/rotas/${enc(id)}/shifts?${range}`, ShiftList), load(c, "/api/staff", StaffList)]);
      if (!shiftsA.ok) return refused("rotation-preview", refusal(shiftsA.problem, ["from", "to"], {}, "to"), shiftsA.status);
      const needed = rotaA.ok ? rotaA.data.requiredStaff : 1;
      const start = zonedInstant(from, "00:00", tz).getTime();
      const shifts = shiftsA.data.shifts.filter((s) => s.patternId !== null && Date.parse(s.start) >= start && s.staff.length < needed);
      const names = new Map((dataOr(staffA)?.staff ?? []).map((p) => [p.id, p.name]));
      const people = many(v.staffIds).map((sid) => names.get(sid)).filter((n): n is string => !!n);
      return render(c, user, id, { date, sent: { form: "rotation-preview", values: v, errors: {} }, rotationPreview: { shifts, people } });
    }
    if (action === "rotation") {
      const made = await send(c, "POST", `/api/rotas/${enc(id)}/rotation`, { from: one(v.from), to: one(v.to), staffIds: many(v.staffIds) }, RotationMade);
      if (made.ok) return back(`done=rotation&made=${made.data.assignments.length}&skipped=${made.data.skipped.length}&unfilled=${made.data.unfilled.length}`);
      return refused("rotation", refusal(made.problem, ["from", "to", "staffIds"]), made.status);
    }
    return render(c, user, id, { date }, 400);
  },
});
