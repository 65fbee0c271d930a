// The reports that may run on the report thread (src/reports/run-report.ts): each
// takes the database first and plain, cloneable values after it, and returns
// plain rows, so the same function runs in-process or in a worker thread.
import { approvalsReport, ohReport, sicknessReport, supervisionReport } from "./hr-reports.js";
import { integrityReport } from "./integrity.js";
import { loneWorkingReport } from "../lone-working/alerts/report.js";

export const REPORT_JOBS = {
  supervision: supervisionReport,
  sickness: sicknessReport,
  ohReferrals: ohReport,
  amhpApprovals: approvalsReport,
  integrity: integrityReport,
  loneWorking: loneWorkingReport,
};

export type ReportJobs = typeof REPORT_JOBS;
export type ReportName = keyof ReportJobs;
