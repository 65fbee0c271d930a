// When a visit is next due, and what moment a check-in vouches for: pure rules of the
// watch on a visit, shared by visits (check-ins, extend) and alerts (resolving re-watches).
/**
 * The moment a check-in vouches for: when the phone made it, kept within the visit
 * (a phone's clock may be off), never after now. A check-in queued offline for
 * twenty minutes says the worker was fine twenty minutes ago, not now.
 */
export function vouchedAt(madeAt: string | undefined, startedAt: Date, now: Date): Date {
  if (!madeAt) return now;
  const t = new Date(madeAt).getTime();
  return new Date(Math.min(now.getTime(), Math.max(startedAt.getTime(), t)));
}

/** Past the expected end, a check-in still buys this long (the phone asks to extend). */
const GRACE_MS = 15 * 60_000;

/** The earlier of the expected end and the next interval check-in. */
export function nextDue(now: Date, expectedEnd: Date, everyMinutes: number | null): Date {
  const byInterval = everyMinutes ? new Date(now.getTime() + everyMinutes * 60_000) : expectedEnd;
  const next = byInterval < expectedEnd ? byInterval : expectedEnd;
  if (next > now) return next;
  return new Date(now.getTime() + (everyMinutes ? everyMinutes * 60_000 : GRACE_MS));
}
