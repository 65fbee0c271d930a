// Report routes: JSON, or CSV with ?format=csv / Accept: text/csv.
// Dates are bounded by the shared Day schema; the reports themselves run off the
// event loop (runReport: a worker thread for a database file).
import { z } from "@hono/zod-openapi";
import { defineRoute, router, Day } from "../http/route.js";
import type { CurrentUser } from "../deps.js";
import { FormatQuery, reportResponse, sendReport } from "./format.js";
import { runReport } from "./run-report.js";
import { todayOf } from "../hr/records.js";
import { addDays, FIRST_DAY } from "../calendar/days.js";
import { addMonths, maxDay } from "../hr/rules/dates.js";
import { InvalidInput } from "../errors.js";
import { HR_WRITERS, RECORD_KEEPERS, hasAny } from "../staff/roles.js";

export const AsOfQuery = FormatQuery.extend({ asOf: Day.optional().openapi({ param: { name: "asOf", in: "query" } }) });
export const PeriodQuery = FormatQuery.extend({
  from: Day.optional().openapi({ param: { name: "from", in: "query" } }),
  to: Day.optional().openapi({ param: { name: "to", in: "query" } }),
});
export const Row = z.object({ staffId: z.string().nullable() }).passthrough();
export const IntegrityRow = z.object({ recorderId: z.string() }).passthrough();
const user = (c: { get(k: "user"): unknown }) => c.get("user") as CurrentUser;

export const reportsRoutes = router()
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/reports/supervision",
      tags: ["Reports"],
      summary: "Supervision: last confirmed session, next due, days overdue, awaiting confirmation, disputed in the 12 months to asOf (never counted)",
      access: RECORD_KEEPERS,
      request: { query: AsOfQuery },
      responses: { 200: reportResponse(Row, "One row per person") },
    }),
    async (c) => {
      const asOf = c.req.valid("query").asOf ?? todayOf(c.get("deps"));
      const rows = await runReport(c.get("deps"), "supervision", user(c), asOf);
      return sendReport(c, "supervision", rows, ["staffId", "name", "team", "category", "lastSupervision", "dueBy", "overdueDays", "status", "awaitingConfirmation", "disputed"], { asOf });
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/reports/sickness",
      tags: ["Reports"],
      summary: "Sickness: rolling 12 months, triggers, Bradford, long-term, OH and RTW (overdue, and the day a waiting interview is due by; no causes)",
      access: RECORD_KEEPERS,
      request: { query: AsOfQuery },
      responses: { 200: reportResponse(Row, "One row per person") },
    }),
    async (c) => {
      const asOf = c.req.valid("query").asOf ?? todayOf(c.get("deps"));
      const rows = await runReport(c.get("deps"), "sickness", user(c), asOf);
      return sendReport(
        c,
        "sickness",
        rows,
        ["staffId", "name", "team", "fte", "episodes12m", "workingDaysLost12m", "bradford", "triggerReached", "currentlyAbsent", "longTerm", "ohReferralDue", "ohReferralMade", "ohBreach", "rtwOverdue", "rtwDueBy"],
        { asOf },
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/reports/oh-referrals",
      tags: ["Reports"],
      summary: "OH referrals: status and days waiting, and referrals due but not made",
      access: RECORD_KEEPERS,
      request: { query: AsOfQuery },
      responses: { 200: reportResponse(Row, "One row per referral") },
    }),
    async (c) => {
      const u = user(c);
      const asOf = c.req.valid("query").asOf ?? todayOf(c.get("deps"));
      const rows = await runReport(c.get("deps"), "ohReferrals", u, asOf);
      const columns = ["referralId", "staffId", "name", "sicknessId", "dueOn", "referredOn", "appointmentOn", "reportReceivedOn", "outcome", "status", "daysWaiting", "late"] as const;
      const withReason = hasAny(u, HR_WRITERS);
      return sendReport(c, "oh-referrals", rows, withReason ? [...columns, "reason" as const] : [...columns], { asOf });
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/reports/amhp-approvals",
      tags: ["Reports"],
      summary: "AMHP approvals: expiry, training hours this approval year, warnings",
      access: RECORD_KEEPERS,
      request: { query: AsOfQuery },
      responses: { 200: reportResponse(Row, "One row per AMHP") },
    }),
    async (c) => {
      const asOf = c.req.valid("query").asOf ?? todayOf(c.get("deps"));
      const rows = await runReport(c.get("deps"), "amhpApprovals", user(c), asOf);
      return sendReport(
        c,
        "amhp-approvals",
        rows,
        ["staffId", "name", "team", "validFrom", "validUntil", "daysToExpiry", "approvalYearFrom", "approvalYearTo", "trainingHoursThisYear", "trainingHoursRequired", "shortYears", "status"],
        { asOf },
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/reports/integrity",
      tags: ["Reports"],
      summary: "Integrity: per recorder, records entered, late entries, voids, corrections",
      access: RECORD_KEEPERS,
      request: { query: PeriodQuery },
      responses: { 200: reportResponse(IntegrityRow, "One row per recorder") },
    }),
    async (c) => {
      const deps = c.get("deps");
      const q = c.req.valid("query");
      const to = q.to ?? todayOf(deps);
      const from = q.from ?? maxDay(addDays(addMonths(to, -12), 1), FIRST_DAY);
      if (from > to) throw new InvalidInput([{ path: "from", message: "after to" }]);
      const rows = await runReport(deps, "integrity", user(c), from, to, deps.config.TZ_LOCAL);
      return sendReport(c, "integrity", rows, ["recorderId", "name", "entries", "lateEntries", "lateCorrections", "voids", "corrections", "updates"], { from, to });
    },
  );
