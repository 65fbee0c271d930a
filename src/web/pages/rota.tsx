import type { z } from "@hono/zod-openapi";
import type { CurrentUser } from "../../deps.js";
import type { Coverage, MyShifts, RotaSchema, ShiftSchema } from "../../rota/routes.js";
import { Layout } from "../layout.js";
import { addDays, eachDay, localDay, weekday } from "../../calendar/days.js";
import { fmtDay, fmtSpan, fmtTime } from "../format.js";
import { ROTA_EDITORS, hasAny } from "../../staff/roles.js";

export type Shift = z.output<typeof ShiftSchema>;
export type Gap = z.output<typeof Coverage>["gaps"][number];
/** What the API gave (null: it refused, and the page says so). */
export interface RotaData {
  rotas: z.output<typeof RotaSchema>[] | null;
  rotaId?: string;
  view: "week" | "month";
  date: string;
  from: string; // first day shown
  to: string; // last day shown
  shifts: Shift[] | null;
  gaps: Gap[] | null;
  mine: z.output<typeof MyShifts>["shifts"] | null;
}

/** The visible days: a Monday-start week, or the whole weeks covering a month. */
export function rotaRange(view: "week" | "month", date: string): { from: string; to: string } {
  const monday = (d: string) => addDays(d, -((weekday(d) + 6) % 7));
  if (view === "week") {
    const from = monday(date);
    return { from, to: addDays(from, 6) };
  }
  const first = `${date.slice(0, 7)}-01`;
  const [y, m] = date.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  const last = addDays(next, -1);
  return { from: monday(first), to: addDays(monday(last), 6) };
}

/** What belongs to a local day: what starts on it (a night shift is the evening's, not the next morning's too). */
function startingOn<T extends { start: string }>(items: readonly T[], day: string, tz: string): T[] {
  return items.filter((s) => localDay(new Date(s.start), tz) === day);
}

/**
 * The gaps to show under each day: each gap cut to the shifts it falls in and filed
 * under the day those shifts start; a gap in no listed shift, under its own start day.
 */
export function gapsByDay(shifts: readonly { start: string; end: string }[], gaps: readonly Gap[], tz: string): Map<string, Gap[]> {
  const out = new Map<string, Gap[]>();
  const seen = new Set<string>();
  const put = (day: string, g: Gap) => {
    const key = `${g.start} ${g.end}`;
    if (seen.has(key)) return; // two overlapping shifts share one gap
    seen.add(key);
    out.set(day, [...(out.get(day) ?? []), g]);
  };
  for (const g of gaps) {
    const gs = Date.parse(g.start);
    const ge = Date.parse(g.end);
    let inShift = false;
    for (const s of shifts) {
      const start = Math.max(gs, Date.parse(s.start));
      const end = Math.min(ge, Date.parse(s.end));
      if (start >= end) continue;
      inShift = true;
      put(localDay(new Date(s.start), tz), { start: new Date(start).toISOString(), end: new Date(end).toISOString() });
    }
    if (!inShift) put(localDay(new Date(g.start), tz), g);
  }
  for (const list of out.values()) list.sort((a, b) => a.start.localeCompare(b.start));
  return out;
}

const span = (s: { start: string; end: string }, tz: string) => fmtSpan(s.start, s.end, tz);

function ShiftLine({ s, tz }: { s: Shift; tz: string }) {
  const names = s.staff.map((p) => p.name).join(", ");
  return (
    <li>
      <strong>{span(s, tz)}</strong> {s.label ? <span class="hint">{s.label}</span> : null}
      <br />
      {names ? names : <span class="tag bad">UNSTAFFED</span>}
    </li>
  );
}

export function RotaPage({ user, tz, data, today }: { user: CurrentUser; tz: string; data: RotaData; today: string }) {
  const { rotas, rotaId, view, date, from, to, shifts, gaps, mine } = data;
  const rota = rotas?.find((r) => r.id === rotaId);
  const link = (over: Partial<{ rota: string; view: string; date: string }>) => {
    const q = new URLSearchParams({ rota: rotaId ?? "", view, date, ...over });
    return `/rota?${q.toString()}`;
  };
  const step = view === "week" ? 7 : 30;
  const prev = view === "week" ? addDays(date, -7) : `${addDays(`${date.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
  const next = view === "week" ? addDays(date, step) : `${addDays(`${date.slice(0, 7)}-28`, 7).slice(0, 7)}-01`;
  const days = eachDay(from, to);
  const weeks: string[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  const monthName = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "long", year: "numeric" }).format(new Date(`${date.slice(0, 7)}-15T12:00:00Z`));
  const title = view === "week" ? `Week of ${fmtDay(from)}` : monthName;
  const dayGaps = gapsByDay(shifts ?? [], gaps ?? [], tz);
  const shownGaps = days.reduce((n, d) => n + (dayGaps.get(d)?.length ?? 0), 0);

  return (
    <Layout title="Rota" user={user} current="/rota" tz={tz} scripts={["rota.js"]}>
      <h1>Rota</h1>
      {hasAny(user, ROTA_EDITORS) ? (
        <p>
          <a class="button secondary" href="/rota/new">
            New rota
          </a>
        </p>
      ) : null}
      {rotas === null ? <p class="notice warn">Rotas are not available right now.</p> : null}
      {rotas && rotas.length ? (
        <form method="get" action="/rota" class="filters card">
          <div>
            <label for="rota">Rota</label>
            <select id="rota" name="rota">
              {rotas.map((r) => (
                <option value={r.id} selected={r.id === rotaId}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <input type="hidden" name="view" value={view} />
          <input type="hidden" name="date" value={date} />
          <div>
            <button type="submit">Show</button>
          </div>
        </form>
      ) : rotas ? (
        <p>No rotas yet.</p>
      ) : null}

      {rota ? (
        <section aria-labelledby="cal-h">
          <nav class="tabs" aria-label="View">
            <a href={link({ view: "week" })} aria-current={view === "week" ? "page" : undefined}>
              Week
            </a>
            <a href={link({ view: "month" })} aria-current={view === "month" ? "page" : undefined}>
              Month
            </a>
          </nav>
          <h2 id="cal-h">
            {rota.name}: {title}
          </h2>
          <p>
            <a href={`/rota/${encodeURIComponent(rota.id)}?date=${date}`}>{hasAny(user, ROTA_EDITORS) ? `Build ${rota.name}: patterns, gaps, assignments` : `${rota.name}: patterns and week`}</a>
          </p>
          <nav class="actions" aria-label="Move in time">
            <a class="button secondary" href={link({ date: prev })}>
              ← Earlier
            </a>
            <a class="button secondary" href={link({ date: today })}>
              Today
            </a>
            <a class="button secondary" href={link({ date: next })}>
              Later →
            </a>
          </nav>
          {gaps && shownGaps ? (
            <p class="notice bad">
              <strong>{shownGaps} gap{shownGaps === 1 ? "" : "s"}</strong> in this period: shifts staffed below {rota.requiredStaff}. Marked GAP below.
            </p>
          ) : gaps ? (
            <p class="notice good">No gaps in this period.</p>
          ) : null}
          {shifts === null ? <p class="notice warn">Shifts are not available right now.</p> : null}

          {view === "week" ? (
            <ol class="plain week">
              {days.map((d) => {
                const ds = startingOn(shifts ?? [], d, tz);
                const dg = dayGaps.get(d) ?? [];
                return (
                  <li class={dg.length ? "gap-day" : undefined}>
                    <h3>
                      {fmtDay(d)} {d === today ? <span class="tag good">TODAY</span> : null}
                    </h3>
                    {ds.length ? (
                      <ul class="plain">
                        {ds.map((s) => (
                          <ShiftLine s={s} tz={tz} />
                        ))}
                      </ul>
                    ) : (
                      <p class="hint">No shifts.</p>
                    )}
                    {dg.map((g) => (
                      <p class="notice bad">GAP {span(g, tz)}</p>
                    ))}
                  </li>
                );
              })}
            </ol>
          ) : (
            <div class="table-wrap" tabindex={0} role="region" aria-label={`${rota.name}, ${monthName}`}>
              <table class="month">
                <caption class="visually-hidden">
                  {rota.name}, {monthName}
                </caption>
                <thead>
                  <tr>
                    {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => (
                      <th scope="col">{d}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {weeks.map((w) => (
                    <tr>
                      {w.map((d) => {
                        const ds = startingOn(shifts ?? [], d, tz);
                        const dg = dayGaps.get(d) ?? [];
                        const cls = dg.length ? "gap" : d.slice(0, 7) !== date.slice(0, 7) ? "other-month" : undefined;
                        return (
                          <td class={cls}>
                            <strong>{Number(d.slice(8))}</strong>
                            {d === today ? " (today)" : ""}
                            {ds.map((s) => (
                              <div>
                                {fmtTime(s.start, tz)} {s.staff.map((p) => p.name).join(", ") || "UNSTAFFED"}
                              </div>
                            ))}
                            {dg.length ? <div>GAP</div> : null}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      <section class="card" aria-labelledby="mine-h">
        <h2 id="mine-h">My shifts in this period</h2>
        {mine === null ? (
          <p>Not available right now.</p>
        ) : mine.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul class="plain">
            {mine.map((s) => (
              <li>
                <strong>{fmtDay(localDay(new Date(s.start), tz))}</strong> {span(s, tz)} {s.rotaName}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="cal-feed-h">
        <h2 id="cal-feed-h">My shifts in my calendar</h2>
        <p>Subscribe to this link in Outlook or on your phone to see your shifts. Keep it private: anyone with the link can see your shifts. Getting a new link stops the old one.</p>
        <button type="button" id="calendar-link" class="secondary">
          Get my calendar link
        </button>
        <div id="calendar-out" hidden>
          <label for="calendar-url">Calendar link</label>
          <input id="calendar-url" type="text" readonly />
          <button type="button" id="calendar-copy">
            Copy link
          </button>
        </div>
        <p id="calendar-status" role="status" aria-live="polite"></p>
      </section>
    </Layout>
  );
}
