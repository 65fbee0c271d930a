import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv } from "../deps.js";
import { localDay, addDays, zonedInstant, isDayInRange } from "../calendar/days.js";
import { load, send, dataOr, fieldErrors } from "./api.js";
import { definePage, page, seeOther, formOf } from "./define-page.js";
import { HomePage, type HomeData } from "./pages/home.js";
import { errorsFor } from "./forms.js";
import { HrRecord } from "../hr/routes.js";
import type { CurrentUser } from "../deps.js";
import { VisitPage } from "./pages/visit.js";
import { BoardPage } from "./pages/board.js";
import { RotaPage, rotaRange, type RotaData } from "./pages/rota.js";
import { HrPage, REPORTS, summaryOf, type HrData, type ReportKey } from "./pages/hr.js";
import { filterReportRows } from "../reports/format.js";
import { countBy } from "./charts.js";
import { sicknessDaysByMonth } from "./hr-data.js";
import { alarmMonths } from "./alarms-chart.js";
import { MyShifts, OnDuty, RotaList, ShiftList, Coverage, SwapList, SwapSchema } from "../rota/routes.js";
import { VisitList } from "../lone-working/visits/routes.js";
import { StaffList, StaffSchema } from "../staff/routes.js";
import { IntegrityRow, Row } from "../reports/routes.js";
import { reportResponse } from "../reports/format.js";
import { LoneWorkingReport } from "../lone-working/alerts/routes.js";

// Each job's pages live in their own file; /staff/new before /staff/:id (first registered wins).
import "./login-pages.js";
import "./staff-pages.js";
import "./record-pages.js";
import "./team-pages.js";
import "./rota-builder-pages.js";
import "./admin-pages.js";
import "./me-pages.js";
import "./drill-pages.js";

export { PAGES } from "./page-access.js";
export { webPages } from "./define-page.js";

// Each report read with the body its route declares. The lone-working route declares its
// rows as z.any(): read them as report rows (a staffId each), so the page never holds `any`.
const reportBody = <T extends z.ZodType>(row: T) => reportResponse(row, "").content["application/json"].schema;
const REPORT_BODIES = {
  supervision: reportBody(Row),
  sickness: reportBody(Row),
  "oh-referrals": reportBody(Row),
  "amhp-approvals": reportBody(Row),
  integrity: reportBody(IntegrityRow),
  "lone-working": LoneWorkingReport.extend({ rows: z.array(Row) }),
} satisfies Record<ReportKey, z.ZodType<{ rows: Record<string, unknown>[] }>>;

const tzOf = (c: Context<AppEnv>) => c.get("deps").config.TZ_LOCAL;
const SupervisionList = z.object({ supervisions: z.array(HrRecord) });
const todayOf = (c: Context<AppEnv>) => localDay(c.get("deps").clock.now(), tzOf(c));
// The API's own bounds (1900..2100): a day past them walked the chart's month loop for ever.
const isDay = (s: string | undefined): s is string => !!s && isDayInRange(s);


const HOME_DONE: Record<string, string> = {
  confirmed: "Supervision confirmed. Thank you.",
  disputed: "Supervision disputed. It will not count, and HR can see your reason.",
  accepted: "Shift accepted. A manager will approve the swap.",
  offered: "Swap offered. They will see it on their home page.",
};

async function homeData(c: Context<AppEnv>, user: CurrentUser): Promise<HomeData> {
  const now = c.get("deps").clock.now();
  const to = new Date(now.getTime() + 14 * 86_400_000);
  const [shifts, onDuty, visits, awaiting, swaps] = await Promise.all([
    load(c, `/api/me/shifts?from=${encodeURIComponent(now.toISOString())}&to=${encodeURIComponent(to.toISOString())}`, MyShifts),
    load(c, "/api/on-duty", OnDuty),
    load(c, "/api/visits?status=active", VisitList),
    load(c, "/api/me/supervisions/awaiting", SupervisionList),
    load(c, "/api/swaps", SwapList),
  ]);
  const myShifts = dataOr(shifts)?.shifts ?? null;
  const openSwaps = dataOr(swaps)?.swaps.filter((s) => s.status !== "approved" && (s.fromStaffId === user.id || s.toStaffId === user.id)) ?? null;
  // Whom a shift may be offered to: the people on that rota in the eight weeks either side
  // (an AMHP may not read the staff directory; the rota's shifts name who works it).
  const rotaIds = [...new Set([...(myShifts ?? []).map((s) => s.rotaId), ...(openSwaps ?? []).map((s) => s.rotaId)])];
  const from = new Date(now.getTime() - 56 * 86_400_000).toISOString();
  const until = new Date(now.getTime() + 56 * 86_400_000).toISOString();
  const rotaShifts = await Promise.all(rotaIds.map((id) => load(c, `/api/rotas/${encodeURIComponent(id)}/shifts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(until)}`, ShiftList)));
  const names = new Map<string, string>();
  const colleagues = new Map<string, [string, string][]>();
  rotaIds.forEach((id, i) => {
    const people = new Map<string, string>();
    for (const s of dataOr(rotaShifts[i]!)?.shifts ?? []) for (const p of s.staff) people.set(p.id, p.name);
    for (const [pid, name] of people) names.set(pid, name);
    people.delete(user.id);
    colleagues.set(id, [...people].sort((a, b) => a[1].localeCompare(b[1])));
  });
  // A session I gave, recorded by the supervisee: their name, when the API lets me read them.
  const awaitingRows = dataOr(awaiting)?.supervisions ?? null;
  const others = [...new Set((awaitingRows ?? []).map((r) => String(r.staffId)).filter((id) => id !== user.id && !names.has(id)))];
  const people = await Promise.all(others.map((id) => load(c, `/api/staff/${encodeURIComponent(id)}`, StaffSchema)));
  for (const p of people) if (p.ok) names.set(p.data.id, p.data.name);
  return {
    shifts: myShifts,
    onDuty: dataOr(onDuty),
    // A manager's list holds everyone's visits: home shows only their own.
    visits: dataOr(visits)?.visits.filter((v) => v.staffId === user.id) ?? null,
    awaiting: awaitingRows,
    swaps: openSwaps,
    names,
    colleagues,
  };
}

const HOME_ACTIONS = {
  "confirm-supervision": { path: (id: string) => `/api/supervisions/${encodeURIComponent(id)}/confirm`, done: "confirmed", schema: HrRecord },
  "accept-swap": { path: (id: string) => `/api/swaps/${encodeURIComponent(id)}/accept`, done: "accepted", schema: SwapSchema },
} as const;

definePage("/", {
  get: async (c, user) => page(c, HomePage({ user, tz: tzOf(c), data: await homeData(c, user), notice: HOME_DONE[c.req.query("done") ?? ""] })),
  post: async (c, user) => {
    const form = await formOf(c);
    const one = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
    const action = one("_action");
    const refused = async (id: string, status: number, errors: Record<string, string>, values: Record<string, string> = {}) =>
      page(c, HomePage({ user, tz: tzOf(c), data: await homeData(c, user), failure: { action, id, errors, values } }), status);
    if (action === "offer-swap") {
      const assignmentId = one("assignmentId");
      const toStaffId = one("toStaffId");
      if (!toStaffId) return refused(assignmentId, 400, { toStaffId: "Choose whom to offer the shift to." });
      const made = await send(c, "POST", "/api/swaps", { assignmentId, toStaffId }, SwapSchema);
      if (made.ok) return seeOther(c, "/?done=offered");
      return refused(assignmentId, made.status, errorsFor(fieldErrors(made.problem), ["toStaffId"], made.problem?.detail ?? made.problem?.title ?? "The swap was not offered."), { toStaffId });
    }
    if (action === "dispute-supervision") {
      // Sent as typed, blank included: the API's reason rule answers, beside Reason.
      const id = one("id");
      const reason = one("reason");
      const done = await send(c, "POST", `/api/supervisions/${encodeURIComponent(id)}/dispute`, { reason }, HrRecord);
      if (done.ok) return seeOther(c, "/?done=disputed");
      return refused(id, done.status, errorsFor(fieldErrors(done.problem), ["reason"], done.problem?.detail ?? done.problem?.title ?? "The supervision was not disputed."), { reason });
    }
    if (action === "confirm-supervision" || action === "accept-swap") {
      const id = one("id");
      const a = HOME_ACTIONS[action];
      const done = await send(c, "POST", a.path(id), {}, a.schema);
      if (done.ok) return seeOther(c, `/?done=${a.done}`);
      return refused(id, done.status, { "": done.problem?.detail ?? done.problem?.title ?? "That did not work." });
    }
    return refused("", 400, { "": "Unknown action." });
  },
});

definePage("/visits/:id", (c, user) => {
  return page(c, VisitPage({ user, tz: tzOf(c), visitId: c.req.param("id") }));
});

definePage("/board", (c, user) => {
  return page(c, BoardPage({ user, tz: tzOf(c) }));
});

// Where a manager's alert notification leads: the board, with that alert first.
definePage("/alerts/:id", (c, user) => {
  return page(c, BoardPage({ user, tz: tzOf(c), focusAlertId: c.req.param("id") }));
});

definePage("/rota", async (c, user) => {
  const tz = tzOf(c);
  const today = todayOf(c);
  const view = c.req.query("view") === "month" ? "month" : "week";
  const date = isDay(c.req.query("date")) ? c.req.query("date")! : today;
  const { from, to } = rotaRange(view, date);
  const fromI = zonedInstant(from, "00:00", tz).toISOString();
  const toI = zonedInstant(addDays(to, 1), "00:00", tz).toISOString();
  const range = `from=${encodeURIComponent(fromI)}&to=${encodeURIComponent(toI)}`;
  // Gaps of a shift that starts on the last day shown run past the window: ask for the
  // longest a pattern shift may last (7 days) beyond it, so the page shows where they end.
  const gapRange = `from=${encodeURIComponent(fromI)}&to=${encodeURIComponent(zonedInstant(addDays(to, 8), "00:00", tz).toISOString())}`;
  const rotas = dataOr(await load(c, "/api/rotas", RotaList))?.rotas ?? null;
  const wanted = c.req.query("rota");
  const rotaId = rotas?.find((r) => r.id === wanted)?.id ?? rotas?.[0]?.id;
  const [shifts, coverage, mine] = await Promise.all([
    rotaId ? load(c, `/api/rotas/${encodeURIComponent(rotaId)}/shifts?${range}`, ShiftList) : null,
    rotaId ? load(c, `/api/rotas/${encodeURIComponent(rotaId)}/coverage?${gapRange}`, Coverage) : null,
    load(c, `/api/me/shifts?${range}`, MyShifts),
  ]);
  const data: RotaData = {
    rotas,
    rotaId,
    view,
    date,
    from,
    to,
    shifts: (shifts && dataOr(shifts)?.shifts) ?? null,
    gaps: (coverage && dataOr(coverage)?.gaps) ?? null,
    mine: dataOr(mine)?.shifts ?? null,
  };
  return page(c, RotaPage({ user, tz, data, today }));
});

definePage("/hr", async (c, user) => {
  const today = todayOf(c);
  const report = REPORTS.find((r) => r.key === c.req.query("report")) ?? REPORTS[0]!;
  const query: Record<string, string> = {};
  const params = new URLSearchParams();
  if (report.range) {
    query.from = isDay(c.req.query("from")) ? c.req.query("from")! : addDays(today, -30);
    query.to = isDay(c.req.query("to")) ? c.req.query("to")! : today;
    const tz = tzOf(c);
    params.set("from", report.instants ? zonedInstant(query.from, "00:00", tz).toISOString() : query.from);
    params.set("to", report.instants ? zonedInstant(addDays(query.to, 1), "00:00", tz).toISOString() : query.to);
  } else {
    query.asOf = isDay(c.req.query("asOf")) ? c.req.query("asOf")! : today;
    params.set("asOf", query.asOf);
  }
  query.q = report.noNames ? "" : (c.req.query("q") ?? "").slice(0, 100);
  query.status = (c.req.query("status") ?? "").slice(0, 50);
  const res = await load(c, `${report.path}?${params}`, REPORT_BODIES[report.key]);
  const all: Record<string, unknown>[] | null = dataOr(res)?.rows ?? null;
  if (report.key === "lone-working" && all?.length) {
    // The report names people by id; a person reads names.
    const people = dataOr(await load(c, "/api/staff", StaffList))?.staff ?? [];
    const names = new Map(people.map((p) => [p.id, p.name]));
    for (const r of all) r.worker = names.get(String(r.staffId)) ?? "";
  }
  const statuses = [...new Set((all ?? []).map((r) => r.status).filter((s): s is string => typeof s === "string"))].sort();
  // Filtered as the API filters its CSV (the link below carries the same filters).
  const filters = { name: query.q || undefined, status: query.status || undefined };
  const rows = all ? filterReportRows(all, filters) : null;
  const charts: HrData["charts"] = [];
  if (report.key === "supervision" && all) {
    const overdue = (r: Record<string, unknown>) => String(r.status ?? "").toLowerCase().includes("overdue") || Number(r.overdueDays ?? 0) > 0;
    const bars = countBy(all, (r) => String(r.team ?? r.teamName ?? "No team"), overdue).sort((a, b) => b.value - a.value);
    charts.push({ id: "chart-supervision", title: "Overdue supervision by team (people)", bars });
  }
  if (report.key === "sickness") {
    const bars = await sicknessDaysByMonth(c, user, query.asOf!);
    if (bars) charts.push({ id: "chart-sick-months", title: "Working days lost to sickness, by month", bars });
    if (all) {
      const n = (k: string) => all.filter((r) => r[k] === true).length;
      charts.push({
        id: "chart-triggers",
        title: "Sickness triggers reached (people)",
        bars: [
          { label: "Trigger reached", value: n("triggerReached") },
          { label: "Long-term absence", value: n("longTerm") },
          { label: "OH referral due", value: n("ohReferralDue") },
          { label: "RTW interview overdue", value: n("rtwOverdue") },
        ],
      });
    }
  }
  const csv = new URLSearchParams(params);
  if (filters.name) csv.set("name", filters.name);
  if (filters.status) csv.set("status", filters.status);
  csv.set("format", "csv");
  // The lone-working report's monthly table is drawn as its own chart and table, not summed up.
  const lw = report.key === "lone-working" ? (dataOr(res) as z.infer<(typeof REPORT_BODIES)["lone-working"]> | null) : null;
  const monthlyCsv = new URLSearchParams(params);
  monthlyCsv.set("format", "csv");
  monthlyCsv.set("table", "monthly");
  const alarmsByMonth = lw ? { months: alarmMonths(lw.monthly), csvHref: `${report.path}?${monthlyCsv}` } : undefined;
  const skip = new Set(["rows", "report", "asOf", "from", "to", "monthly"]);
  const summary = res.ok ? summaryOf(Object.fromEntries(Object.entries(res.data).filter(([k]) => !skip.has(k)))) : [];
  const data: HrData = {
    report,
    summary,
    query,
    rows,
    statuses,
    charts,
    csvHref: `${report.path}?${csv}`,
    alarmsByMonth,
    error: res.status === 200 ? undefined : res.status === 404 ? "This report is not available yet." : `The report could not be loaded (${res.status}).`,
  };
  return page(c, HrPage({ user, tz: tzOf(c), data }));
});
