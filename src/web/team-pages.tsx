// Pages registered here (issue 11): /team (a manager's to-do list) and /swaps (swaps waiting).
// Both read the API as the manager, so they show only what that manager's scope gives.
import type { Context } from "hono";
import type { AppEnv } from "../deps.js";
import { z } from "@hono/zod-openapi";
import { addDays, localDay } from "../calendar/days.js";
import { load, send, dataOr, fieldErrors } from "./api.js";
import { definePage, page, seeOther, formOf } from "./define-page.js";
import { errorsFor } from "./forms.js";
import { fmtDate } from "./format.js";
import { TeamPage, type TeamLine, type TeamSection } from "./pages/team.js";
import { SwapsPage, type SwapLine } from "./pages/swaps.js";
import { Row } from "../reports/routes.js";
import { reportResponse } from "../reports/format.js";
import { RotaList, SwapList, SwapApproved } from "../rota/routes.js";
import { StaffList } from "../staff/routes.js";

const Report = reportResponse(Row, "").content["application/json"].schema;
type ReportRow = z.output<typeof Row>;

const tzOf = (c: Context<AppEnv>) => c.get("deps").config.TZ_LOCAL;
const str = (v: unknown) => (typeof v === "string" ? v : null);
const num = (v: unknown) => (typeof v === "number" ? v : null);
const nameOf = (r: ReportRow) => str(r.name) ?? "Someone";
const line = (r: ReportRow, what: string, action: string): TeamLine[] => (r.staffId ? [{ staffId: r.staffId, name: nameOf(r), what, action }] : []);
const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;

/** Supervision overdue, never recorded, or due within the week. */
export function supervisionLines(rows: ReportRow[], asOf: string): TeamLine[] {
  const weekEnd = addDays(asOf, 7);
  return rows.flatMap((r) => {
    const dueBy = str(r.dueBy);
    const overdue = num(r.overdueDays) ?? 0;
    if (r.status === "overdue") return line(r, `supervision overdue by ${days(overdue)}${dueBy ? ` (was due ${fmtDate(dueBy)})` : ""}`, "Record supervision");
    if (r.status === "none_recorded") return line(r, "no supervision recorded", "Record supervision");
    if (dueBy && dueBy <= weekEnd) return line(r, `supervision due ${fmtDate(dueBy)}`, "Record supervision");
    return [];
  });
}

/**
 * Return-to-work interviews overdue (first), then due: the person is back (or back on the
 * next working day) and the last day to hold it is within the week.
 */
export function rtwLines(rows: ReportRow[], asOf: string): TeamLine[] {
  const weekEnd = addDays(asOf, 7);
  const overdue = rows.flatMap((r) => {
    if (r.rtwOverdue !== true) return [];
    const by = str(r.rtwDueBy);
    return line(r, `return-to-work interview overdue${by && by < asOf ? ` (was due by ${fmtDate(by)})` : ""}`, "Record interview");
  });
  const due = rows.flatMap((r) => {
    const by = str(r.rtwDueBy);
    if (r.rtwOverdue === true || !by || by < asOf || by > weekEnd) return [];
    return line(r, `return-to-work interview due by ${fmtDate(by)}`, "Record interview");
  });
  return [...overdue, ...due];
}

export function teamSections(reports: { supervision: ReportRow[] | null; sickness: ReportRow[] | null; oh: ReportRow[] | null; approvals: ReportRow[] | null }, asOf: string): TeamSection[] {
  const { supervision, sickness, oh, approvals } = reports;
  return [
    { id: "supervision", title: "Supervision overdue or due this week", empty: "Everyone's supervision is up to date for the week.", lines: supervision && supervisionLines(supervision, asOf) },
    {
      id: "rtw",
      title: "Return-to-work interviews due or overdue",
      empty: "No return-to-work interview is due or overdue.",
      lines: sickness && rtwLines(sickness, asOf),
    },
    {
      id: "oh",
      title: "OH referrals due",
      empty: "No occupational health referral is due.",
      lines:
        oh &&
        oh.flatMap((r) => {
          if (r.status !== "not_referred") return [];
          const dueOn = str(r.dueOn);
          return line(r, `OH referral due${dueOn ? ` since ${fmtDate(dueOn)}` : ""}, not made`, "Refer");
        }),
    },
    {
      id: "absent",
      title: "Absent now",
      empty: "Nobody is off sick.",
      lines: sickness && sickness.flatMap((r) => (r.currentlyAbsent === true ? line(r, r.longTerm === true ? "off sick (long-term)" : "off sick", "Open record") : [])),
    },
    {
      id: "approvals",
      title: "AMHP approvals expiring within 90 days",
      empty: "No AMHP approval expires in the next 90 days.",
      lines:
        approvals &&
        approvals.flatMap((r) => {
          const until = str(r.validUntil);
          const left = num(r.daysToExpiry);
          if (r.status === "expired") return line(r, `AMHP approval expired${until ? ` on ${fmtDate(until)}` : ""}`, "Record approval");
          if (until && left !== null && left >= 0 && left <= 90) return line(r, `AMHP approval ends ${fmtDate(until)} (${days(left)})`, "Record approval");
          return [];
        }),
    },
  ];
}

definePage("/team", async (c, user) => {
  const asOf = localDay(c.get("deps").clock.now(), tzOf(c));
  const q = `?asOf=${asOf}`;
  const [supervision, sickness, oh, approvals] = await Promise.all(
    ["supervision", "sickness", "oh-referrals", "amhp-approvals"].map((r) => load(c, `/api/reports/${r}${q}`, Report)),
  );
  // The manager's own records are their manager's to-do, not theirs.
  const rows = (a: typeof supervision) => dataOr(a!)?.rows.filter((r) => r.staffId !== user.id) ?? null;
  return page(c, TeamPage({ user, asOf, sections: teamSections({ supervision: rows(supervision), sickness: rows(sickness), oh: rows(oh), approvals: rows(approvals) }, asOf) }));
});

// --- swaps waiting ---

async function swapsView(c: Context<AppEnv>) {
  const [swaps, staff, rotas] = await Promise.all([load(c, "/api/swaps", SwapList), load(c, "/api/staff", StaffList), load(c, "/api/rotas", RotaList)]);
  const names = new Map((dataOr(staff)?.staff ?? []).map((p) => [p.id, p.name]));
  const rotaNames = new Map((dataOr(rotas)?.rotas ?? []).map((r) => [r.id, r.name]));
  const list = dataOr(swaps)?.swaps ?? null;
  const toLine = (s: NonNullable<typeof list>[number]): SwapLine => ({
    id: s.id,
    from: names.get(s.fromStaffId) ?? "A colleague",
    to: names.get(s.toStaffId) ?? "a colleague",
    rota: rotaNames.get(s.rotaId) ?? "",
    start: s.start,
    end: s.end,
  });
  const byStart = (a: SwapLine, b: SwapLine) => a.start.localeCompare(b.start);
  return {
    accepted: list && list.filter((s) => s.status === "accepted").map(toLine).sort(byStart),
    offered: list && list.filter((s) => s.status === "offered").map(toLine).sort(byStart),
  };
}

const SWAP_DONE: Record<string, string> = { approved: "Swap approved: the shift has moved to the receiver." };

definePage("/swaps", {
  get: async (c, user) => page(c, SwapsPage({ user, tz: tzOf(c), ...(await swapsView(c)), notice: SWAP_DONE[c.req.query("done") ?? ""] })),
  post: async (c, user) => {
    const form = await formOf(c);
    const id = typeof form.id === "string" ? form.id : "";
    if (form._action === "approve" && id) {
      const done = await send(c, "POST", `/api/swaps/${encodeURIComponent(id)}/approve`, {}, SwapApproved);
      if (done.ok) return seeOther(c, "/swaps?done=approved");
      const errors = errorsFor(fieldErrors(done.problem), [], done.problem?.detail ?? done.problem?.title ?? "The swap could not be approved.");
      return page(c, SwapsPage({ user, tz: tzOf(c), ...(await swapsView(c)), errors, failedId: id }), done.status);
    }
    return page(c, SwapsPage({ user, tz: tzOf(c), ...(await swapsView(c)), errors: { "": "Choose a swap to approve." } }), 400);
  },
});
