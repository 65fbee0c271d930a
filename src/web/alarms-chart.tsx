/**
 * Lone-working alarms by month: a stacked bar per month, one band per kind of alarm, drawn
 * on the server as plain SVG (no script), with a legend in words and each month's total
 * written above its bar, and a table of the same figures beside it, so neither colour nor
 * the picture is the only way to read it. Fed by the lone-working report's monthly table.
 */

export const ALARM_KIND_LABELS = {
  missed_check_in: "Missed check-ins",
  panic: "Panic alarms",
  duress: "Duress alarms",
  drill: "Drills",
} as const;
export type ChartKind = keyof typeof ALARM_KIND_LABELS;
const KINDS = Object.keys(ALARM_KIND_LABELS) as ChartKind[];

/** Each at least 4.5:1 against white; bands are parted by a white line as well. */
const COLOURS: Record<ChartKind, string> = { missed_check_in: "#0b3d6e", panic: "#b3261e", duress: "#5b2a86", drill: "#6b5300" };

export interface AlarmMonth {
  /** "YYYY-MM" */
  month: string;
  counts: Record<ChartKind, number>;
  escalatedToPolice: number;
}

/** The monthly table's rows (one per month and kind) as one entry per month, in month order. */
export function alarmMonths(rows: readonly { month: string; kind: string; alarms: number; escalatedToPolice: number }[]): AlarmMonth[] {
  const byMonth = new Map<string, AlarmMonth>();
  for (const r of rows) {
    const m = byMonth.get(r.month) ?? { month: r.month, counts: { missed_check_in: 0, panic: 0, duress: 0, drill: 0 }, escalatedToPolice: 0 };
    if (r.kind in m.counts) m.counts[r.kind as ChartKind] += r.alarms;
    m.escalatedToPolice += r.escalatedToPolice;
    byMonth.set(r.month, m);
  }
  return [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

const monthFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", year: "numeric" });
/** "2026-11" -> "Nov 2026". */
export const monthLabel = (month: string) => monthFormat.format(new Date(`${month}-15T12:00:00Z`));
const total = (m: AlarmMonth) => KINDS.reduce((n, k) => n + m.counts[k], 0);

/** A round top for the axis: 1, 2, 5 or 10 times a power of ten, at least the largest total. */
function niceMax(n: number): number {
  if (n <= 5) return Math.max(1, n);
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((f) => f * p).find((x) => x >= n)!;
}

export function AlarmsByMonthChart({ id, title, months }: { id: string; title: string; months: AlarmMonth[] }) {
  // Drawn small (420 wide) so that, scaled to a phone's width, its words stay readable.
  const width = 420;
  const height = 290;
  const left = 34;
  const top = 62;
  const bottom = 40;
  const plotW = width - left - 6;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...months.map(total)));
  const slot = plotW / Math.max(1, months.length);
  const barW = Math.max(1.5, Math.min(40, slot * 0.7));
  // At most six month labels, so they never run into each other.
  const every = Math.max(1, Math.ceil(months.length / 6));
  const sums = KINDS.map((k) => [k, months.reduce((n, m) => n + m.counts[k], 0)] as const);
  const all = sums.reduce((n, [, v]) => n + v, 0);
  const busiest = months.reduce<AlarmMonth | null>((b, m) => (!b || total(m) > total(b) ? m : b), null);
  const span = months.length ? `${monthLabel(months[0]!.month)} to ${monthLabel(months[months.length - 1]!.month)}` : "no months";
  const desc =
    `Alarms each month, ${span}, stacked by kind. ${all} alarm${all === 1 ? "" : "s"} in all: ` +
    sums.map(([k, v]) => `${ALARM_KIND_LABELS[k].toLowerCase()} ${v}`).join(", ") +
    (busiest && total(busiest) > 0 ? `. Most in ${monthLabel(busiest.month)} (${total(busiest)}).` : ".") +
    " The table after the chart gives every month's figures.";
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const labelled = months.map((_, i) => i % every === 0);
  // A label's year is written under it when it is the first label or the year has changed.
  let lastYear = "";
  const yearShown = months.map((m, i) => {
    if (!labelled[i] || m.month.slice(0, 4) === lastYear) return false;
    lastYear = m.month.slice(0, 4);
    return true;
  });
  return (
    <div class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} xmlns="http://www.w3.org/2000/svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {KINDS.map((k, i) => (
          <g>
            <rect x={4 + (i % 2) * 200} y={6 + Math.floor(i / 2) * 22} width="14" height="14" fill={COLOURS[k]} />
            <text x={24 + (i % 2) * 200} y={18 + Math.floor(i / 2) * 22} font-size="15" fill="#111">
              {ALARM_KIND_LABELS[k]}
            </text>
          </g>
        ))}
        {[0, max / 2, max].filter(Number.isInteger).map((v) => (
          <g>
            <line x1={left} x2={width - 6} y1={y(v)} y2={y(v)} stroke={v === 0 ? "#111" : "#c9ced6"} stroke-width="1" />
            <text x={left - 5} y={y(v) + 5} font-size="14" text-anchor="end" fill="#111">
              {String(v)}
            </text>
          </g>
        ))}
        {months.map((m, i) => {
          const x = left + i * slot + (slot - barW) / 2;
          let acc = 0;
          const t = total(m);
          return (
            <g>
              {KINDS.map((k) => {
                const v = m.counts[k];
                if (!v) return null;
                const y0 = y(acc + v);
                const h = y(acc) - y0;
                acc += v;
                return <rect x={x} y={y0} width={barW} height={h} fill={COLOURS[k]} stroke="#fff" stroke-width="1" />;
              })}
              {t > 0 && slot >= 22 ? (
                <text x={x + barW / 2} y={y(t) - 5} font-size="14" font-weight="700" text-anchor="middle" fill="#111">
                  {String(t)}
                </text>
              ) : null}
              {labelled[i] ? (
                <text x={x + barW / 2} y={height - bottom + 17} font-size="14" text-anchor="middle" fill="#111">
                  <tspan>{monthLabel(m.month).split(" ")[0]}</tspan>
                  {yearShown[i] ? (
                    <tspan x={x + barW / 2} dy="16">
                      {m.month.slice(0, 4)}
                    </tspan>
                  ) : null}
                </text>
              ) : null}
            </g>
          );
        })}
        {months.length === 0 ? (
          <text x={left + 8} y={top + 20} font-size="16" fill="#111">
            Nothing to show.
          </text>
        ) : null}
      </svg>
      <p>Each bar is a month, stacked by kind of alarm, with its total above it.</p>
    </div>
  );
}

/** The chart's figures as a table (the same numbers, for screen readers and for reading exact values). */
export function AlarmsByMonthTable({ id, months }: { id: string; months: AlarmMonth[] }) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-labelledby={`${id}-caption`}>
      <table id={id}>
        <caption id={`${id}-caption`}>Lone-working alarms by month: the figures</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            {KINDS.map((k) => (
              <th scope="col">{ALARM_KIND_LABELS[k]}</th>
            ))}
            <th scope="col">All alarms</th>
            <th scope="col">Reached the police step</th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr>
              <th scope="row">{monthLabel(m.month)}</th>
              {KINDS.map((k) => (
                <td>{String(m.counts[k])}</td>
              ))}
              <td>{String(total(m))}</td>
              <td>{String(m.escalatedToPolice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
