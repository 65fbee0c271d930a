import { z } from "@hono/zod-openapi";
import { addDays, FIRST_DAY, LAST_DAY, localDay, startOfLocalDay } from "../calendar/days.js";
import { InvalidInput } from "../errors.js";
import { Day, Instant } from "./route.js";

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * `from`/`to` on every windowed route: a local day (a `to` day is inclusive) or an
 * instant, each as bounded as the shared Day and Instant. Checked as whichever it
 * looks like, so the 400 says why ("must be between ...") rather than "no union member matched".
 */
export const DayOrInstant = z
  .string()
  .superRefine((v, ctx) => {
    const r = (isDay(v) ? Day : Instant).safeParse(v);
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: "custom", message: i.message });
  })
  .openapi({ description: `YYYY-MM-DD (local day; a \`to\` day is inclusive) or an ISO 8601 instant, between ${FIRST_DAY} and ${LAST_DAY}` });

const DAY_MS = 86_400_000;

/**
 * Turn `from`/`to` into instants in the service's zone. Missing `from` is the start of
 * today; missing `to` is `defaultDays` after `from`. A window longer than `maxDays`
 * or ending before it starts is a 400 naming `to`.
 */
export function timeWindow(tz: string, now: Date, from: string | undefined, to: string | undefined, opts: { defaultDays: number; maxDays: number }) {
  const f = from ? (isDay(from) ? startOfLocalDay(from, tz) : new Date(from)) : startOfLocalDay(localDay(now, tz), tz);
  const t = to ? (isDay(to) ? startOfLocalDay(addDays(to, 1), tz) : new Date(to)) : startOfLocalDay(addDays(localDay(f, tz), opts.defaultDays), tz);
  if (!(t > f)) throw new InvalidInput([{ path: "to", message: "must be after from" }]);
  if (t.getTime() - f.getTime() > opts.maxDays * DAY_MS) throw new InvalidInput([{ path: "to", message: `at most ${opts.maxDays} days after from` }]);
  return { from: f, to: t };
}
