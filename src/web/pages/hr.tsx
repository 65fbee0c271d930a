import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";
import { BarChart, type Bar } from "../charts.js";
import { AlarmsByMonthChart, AlarmsByMonthTable, type AlarmMonth } from "../alarms-chart.js";
import { fmtDate, fmtInstant, fmtNumber, fmtSeconds, REASONS, words } from "../format.js";

/** How a column's values read on screen (the CSV keeps the machine values). */
type Shown = "day" | "instant" | "words" | "reason" | "seconds" | "step";

export type ReportKey = "supervision" | "sickness" | "oh-referrals" | "amhp-approvals" | "lone-working" | "integrity";

export interface ReportDef {
  key: ReportKey;
  title: string;
  path: string;
  /** Range reports take from/to; the rest take asOf. */
  range?: boolean;
  /** The range is sent as instants (local midnight to the midnight after `to`). */
  instants?: boolean;
  /** Rows carry no person's name, so there is no name filter. */
  noNames?: boolean;
  columns: { key: string; header: string; as?: Shown }[];
}

export const REPORTS: ReportDef[] = [
  {
    key: "supervision",
    title: "Supervision",
    path: "/api/reports/supervision",
    columns: [
      { key: "name", header: "Name" },
      { key: "team", header: "Team" },
      { key: "category", header: "Category", as: "words" },
      { key: "lastSupervision", header: "Last supervision", as: "day" },
      { key: "dueBy", header: "Due by", as: "day" },
      { key: "overdueDays", header: "Days overdue" },
      { key: "status", header: "Status", as: "words" },
      { key: "awaitingConfirmation", header: "Awaiting confirmation" },
      { key: "disputed", header: "Disputed (12 months)" },
    ],
  },
  {
    key: "sickness",
    title: "Sickness",
    path: "/api/reports/sickness",
    columns: [
      { key: "name", header: "Name" },
      { key: "episodes12m", header: "Episodes (12 months)" },
      { key: "workingDaysLost12m", header: "Working days lost" },
      { key: "bradford", header: "Bradford factor" },
      { key: "triggerReached", header: "Trigger reached" },
      { key: "currentlyAbsent", header: "Absent now" },
      { key: "longTerm", header: "Long-term" },
      { key: "ohReferralDue", header: "OH referral due" },
      { key: "ohReferralMade", header: "OH referral made" },
      { key: "ohBreach", header: "OH breach" },
      { key: "rtwOverdue", header: "RTW overdue" },
    ],
  },
  {
    key: "oh-referrals",
    title: "OH referrals",
    path: "/api/reports/oh-referrals",
    columns: [
      { key: "name", header: "Name" },
      { key: "dueOn", header: "Due by", as: "day" },
      { key: "referredOn", header: "Referred on", as: "day" },
      { key: "appointmentOn", header: "Appointment", as: "day" },
      { key: "reportReceivedOn", header: "Report received", as: "day" },
      { key: "status", header: "Status", as: "words" },
      { key: "daysWaiting", header: "Days waiting" },
    ],
  },
  {
    key: "amhp-approvals",
    title: "AMHP approvals",
    path: "/api/reports/amhp-approvals",
    columns: [
      { key: "name", header: "Name" },
      { key: "validUntil", header: "Valid until", as: "day" },
      { key: "trainingHoursThisYear", header: "Training hours this year" },
      { key: "status", header: "Status", as: "words" },
    ],
  },
  {
    key: "lone-working",
    title: "Lone working",
    path: "/api/reports/lone-working",
    range: true,
    instants: true,
    noNames: true,
    columns: [
      { key: "worker", header: "Worker" }, // added by the page from the staff list (the report carries ids)
      { key: "raisedAt", header: "Raised", as: "instant" },
      { key: "reason", header: "Alarm", as: "reason" },
      { key: "status", header: "Status", as: "words" },
      { key: "highestStep", header: "Highest step", as: "step" },
      { key: "managersToldAt", header: "Managers told", as: "instant" },
      { key: "acknowledgedAt", header: "Acknowledged", as: "instant" },
      { key: "secondsToAcknowledge", header: "Time to acknowledge", as: "seconds" },
      { key: "resolvedAt", header: "Resolved", as: "instant" },
      { key: "outcome", header: "Outcome", as: "words" },
    ],
  },
  {
    key: "integrity",
    title: "Record integrity",
    path: "/api/reports/integrity",
    range: true,
    columns: [
      { key: "name", header: "Recorder" },
      { key: "entries", header: "Records entered" },
      { key: "lateEntries", header: "Late entries" },
      { key: "lateCorrections", header: "Of which made late by a correction" },
      { key: "voids", header: "Voided" },
      { key: "corrections", header: "Corrections" },
      { key: "updates", header: "Other changes" },
    ],
  },
];

export interface HrData {
  report: ReportDef;
  query: Record<string, string>;
  rows: Record<string, unknown>[] | null;
  error?: string;
  /** The report's summary figures (everything in the JSON besides its rows). */
  summary: [string, string][];
  statuses: string[];
  charts: { id: string; title: string; bars: Bar[]; unit?: string }[];
  csvHref: string;
  /** The lone-working report's monthly table, by month (its tab only), and its CSV. */
  alarmsByMonth?: { months: AlarmMonth[]; csvHref: string };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A value as a person reads it: words for keys, local time for instants, rounded numbers. */
export function shown(v: unknown, tz: string, as?: Shown): string {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v === "boolean") return v ? "Yes" : "No";
  if (Array.isArray(v)) return v.map((x) => shown(x, tz)).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "number") {
    if (as === "step") return v < 0 ? "none yet" : String(v);
    if (as === "seconds") return fmtSeconds(v);
    return fmtNumber(v);
  }
  const s = String(v);
  if (as === "reason") return REASONS[s] ?? words(s);
  if (as === "words") return words(s);
  if (as === "instant" || INSTANT.test(s)) return fmtInstant(s, tz);
  if (as === "day" || DAY.test(s)) return DAY.test(s) ? fmtDate(s) : s;
  return s;
}

// The summary figures of a report (lone working's), in words.
const SUMMARY: Record<string, string> = {
  visits: "Visits",
  missedCheckIns: "Missed check-ins",
  alerts: "Alerts",
  total: "total",
  byReason: "by reason",
  unacknowledged: "never acknowledged",
  timeToAcknowledge: "Time to acknowledge (from the first manager told)",
  timeToAcknowledgeFromRaised: "Time to acknowledge (from raising)",
  acknowledged: "alarms acknowledged",
  medianSeconds: "median",
  p90Seconds: "90th percentile",
  maxSeconds: "longest",
  shareWithin10s: "within 10 s",
  shareWithin40s: "within 40 s",
};
const camelWords = (k: string) => k.replace(/([a-z])([A-Z0-9])/g, "$1 $2").toLowerCase();

/** "timeToAcknowledge.shareWithin10s": 0.333 -> ["Time to acknowledge (...): within 10 s", "33%"], one line per figure. */
export function summaryOf(o: Record<string, unknown>, prefix = "", parent = ""): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    const word = parent === "byReason" ? (REASONS[k] ?? words(k)) : (SUMMARY[k] ?? camelWords(k));
    const label = [prefix, word].filter(Boolean).join(": ");
    const line = label.charAt(0).toUpperCase() + label.slice(1);
    if (v && typeof v === "object" && !Array.isArray(v)) {
      // "Alerts: Missed check-in", not "Alerts: by reason: Missed check-in".
      const inner = summaryOf(v as Record<string, unknown>, k === "byReason" ? prefix : label, k);
      out.push(...(inner.length ? inner : [[line, "none"] as [string, string]]));
    } else if (v === null || v === undefined) out.push([line, "none"]);
    else if (typeof v === "number" && k.startsWith("share")) out.push([line, `${Math.round(v * 100)}%`]);
    else if (typeof v === "number" && k.endsWith("Seconds")) out.push([line, fmtSeconds(v)]);
    else out.push([line, shown(v, "UTC")]);
  }
  return out;
}

/** Words, not colour: a status cell reads OVERDUE/DUE/OK etc. */
function statusClass(v: unknown): string | undefined {
  const s = String(v ?? "").toLowerCase();
  if (/(overdue|expired|breach|never)/.test(s) || v === true) return "gap";
  return undefined;
}

export function HrPage({ user, tz, data }: { user: CurrentUser; tz: string; data: HrData }) {
  const { report, query, rows, statuses, charts, csvHref } = data;
  const columns: ReportDef["columns"] = report.columns.length ? report.columns : Object.keys(rows?.[0] ?? {}).filter((k) => !/id$/i.test(k)).map((k) => ({ key: k, header: words(camelWords(k).replace(/ /g, "_")) }));
  const flag = new Set(["triggerReached", "longTerm", "ohReferralDue", "ohBreach", "rtwOverdue", "status"]);
  return (
    <Layout title="HR reports" user={user} current="/hr" tz={tz}>
      <h1>HR reports</h1>
      <nav class="tabs" aria-label="Reports">
        {REPORTS.map((r) => (
          <a href={`/hr?report=${r.key}`} aria-current={r.key === report.key ? "page" : undefined}>
            {r.title}
          </a>
        ))}
      </nav>
      <form method="get" action="/hr" class="filters card">
        <input type="hidden" name="report" value={report.key} />
        {report.range ? (
          <>
            <div>
              <label for="from">From</label>
              <input id="from" name="from" type="date" value={query.from} />
            </div>
            <div>
              <label for="to">To</label>
              <input id="to" name="to" type="date" value={query.to} />
            </div>
          </>
        ) : (
          <div>
            <label for="asOf">As of</label>
            <input id="asOf" name="asOf" type="date" value={query.asOf} />
          </div>
        )}
        {report.noNames ? null : (
          <div>
            <label for="q">Name contains</label>
            <input id="q" name="q" type="text" value={query.q ?? ""} />
          </div>
        )}
        {statuses.length ? (
          <div>
            <label for="status">Status</label>
            <select id="status" name="status">
              <option value="">Any</option>
              {statuses.map((s) => (
                <option value={s} selected={s === query.status}>
                  {words(s)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
      <p>
        <a class="button secondary" href={csvHref} download id="csv-link">
          Download {report.title} as CSV
        </a>
      </p>
      {charts.length ? (
        <div class="grid2">
          {charts.map((ch) => (
            <section class="card" aria-label={ch.title}>
              <BarChart id={ch.id} title={ch.title} bars={ch.bars} unit={ch.unit} />
            </section>
          ))}
        </div>
      ) : null}
      {data.alarmsByMonth ? (
        <section class="card" aria-labelledby="alarms-month-h">
          <h2 id="alarms-month-h">Lone-working alarms by month</h2>
          <AlarmsByMonthChart id="chart-alarms-month" title="Lone-working alarms by month" months={data.alarmsByMonth.months} />
          <AlarmsByMonthTable id="alarms-month-table" months={data.alarmsByMonth.months} />
          <p>
            <a href={data.alarmsByMonth.csvHref} download id="monthly-csv-link">
              Download the monthly table as CSV
            </a>{" "}
            (outcomes, police step, time to acknowledge, push and texts, by kind of alarm)
          </p>
        </section>
      ) : null}
      {data.error ? <p class="notice warn">{data.error}</p> : null}
      {data.summary.length ? (
        <section class="card" aria-labelledby="summary-h">
          <h2 id="summary-h">Summary</h2>
          <dl>
            {data.summary.map(([k, v]) => (
              <>
                <dt>
                  <strong>{k}</strong>
                </dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
        </section>
      ) : null}
      {rows && rows.length === 0 ? <p>No rows for this choice.</p> : null}
      {rows && rows.length ? (
        <div class="table-wrap" tabindex={0} role="region" aria-label={`${report.title} table`}>
          <table>
            <caption>
              {report.title}: {rows.length} row{rows.length === 1 ? "" : "s"}
            </caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col">{c.header}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  {columns.map((c) => (
                    <td class={flag.has(c.key) ? statusClass(r[c.key]) : undefined}>{shown(r[c.key], tz, c.as)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Layout>
  );
}
