import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";
import { BarChart, type Bar } from "../charts.js";

export interface ReportDef {
  key: string;
  title: string;
  path: string;
  /** Range reports take from/to; the rest take asOf. */
  range?: boolean;
  /** The range is sent as instants (local midnight to the midnight after `to`). */
  instants?: boolean;
  columns: { key: string; header: string }[];
}

export const REPORTS: ReportDef[] = [
  {
    key: "supervision",
    title: "Supervision",
    path: "/api/reports/supervision",
    columns: [
      { key: "name", header: "Name" },
      { key: "team", header: "Team" },
      { key: "category", header: "Category" },
      { key: "lastSupervision", header: "Last supervision" },
      { key: "dueBy", header: "Due by" },
      { key: "overdueDays", header: "Days overdue" },
      { key: "status", header: "Status" },
      { key: "awaitingConfirmation", header: "Awaiting confirmation" },
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
      { key: "referredOn", header: "Referred on" },
      { key: "appointmentOn", header: "Appointment" },
      { key: "reportReceivedOn", header: "Report received" },
      { key: "status", header: "Status" },
      { key: "daysWaiting", header: "Days waiting" },
    ],
  },
  {
    key: "amhp-approvals",
    title: "AMHP approvals",
    path: "/api/reports/amhp-approvals",
    columns: [
      { key: "name", header: "Name" },
      { key: "validUntil", header: "Valid until" },
      { key: "trainingHoursThisYear", header: "Training hours this year" },
      { key: "status", header: "Status" },
    ],
  },
  {
    key: "lone-working",
    title: "Lone working",
    path: "/api/reports/lone-working",
    range: true,
    instants: true,
    columns: [],
  },
  {
    key: "integrity",
    title: "Record integrity",
    path: "/api/reports/integrity",
    range: true,
    columns: [],
  },
];

export interface HrData {
  report: ReportDef;
  query: Record<string, string>;
  rows: Record<string, unknown>[] | null;
  error?: string;
  /** The report's summary figures (everything in the JSON besides its rows). */
  summary: [string, unknown][];
  statuses: string[];
  charts: { id: string; title: string; bars: Bar[]; unit?: string }[];
  csvHref: string;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "Yes" : "No";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Words, not colour: a status cell reads OVERDUE/DUE/OK etc. */
function statusClass(v: unknown): string | undefined {
  const s = String(v ?? "").toLowerCase();
  if (/(overdue|expired|breach|never)/.test(s) || v === true) return "gap";
  return undefined;
}

export function HrPage({ user, tz, data }: { user: CurrentUser; tz: string; data: HrData }) {
  const { report, query, rows, statuses, charts, csvHref } = data;
  const columns = report.columns.length ? report.columns : Object.keys(rows?.[0] ?? {}).filter((k) => !/id$/i.test(k)).map((k) => ({ key: k, header: k }));
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
        <div>
          <label for="q">Name contains</label>
          <input id="q" name="q" type="text" value={query.q ?? ""} />
        </div>
        {statuses.length ? (
          <div>
            <label for="status">Status</label>
            <select id="status" name="status">
              <option value="">Any</option>
              {statuses.map((s) => (
                <option value={s} selected={s === query.status}>
                  {s}
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
                <dd>{cell(v)}</dd>
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
                    <td class={flag.has(c.key) ? statusClass(r[c.key]) : undefined}>{cell(r[c.key])}</td>
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
