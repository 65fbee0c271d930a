// Half-open intervals of instants [start, end), as epoch milliseconds, and the
// sweeps coverage is made of. Pure functions.

export interface Span {
  start: number;
  end: number;
}

export interface Interval {
  start: Date;
  end: Date;
}

export const toSpan = (i: Interval): Span => ({ start: i.start.getTime(), end: i.end.getTime() });
export const toInterval = (s: Span): Interval => ({ start: new Date(s.start), end: new Date(s.end) });

export const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** Union of spans: sorted, overlapping or touching spans joined. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** The parts of [from, to) that no span covers. */
export function complement(spans: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  let at = from;
  for (const s of mergeSpans(spans)) {
    if (s.end <= at) continue;
    if (s.start >= to) break;
    if (s.start > at) out.push({ start: at, end: s.start });
    at = Math.max(at, s.end);
  }
  if (at < to) out.push({ start: at, end: to });
  return out;
}

/**
 * Every moment inside a required span at which fewer than `required` staffing
 * spans are present, merged into intervals. A sweep over the boundaries:
 * O(n log n) in the number of spans.
 */
export function gapsBelow(requiredSpans: readonly Span[], staffed: readonly Span[], required: number): Span[] {
  const events: [number, number, number][] = []; // [time, dRequired, dStaffed]
  for (const s of requiredSpans) if (s.end > s.start) events.push([s.start, 1, 0], [s.end, -1, 0]);
  for (const s of staffed) if (s.end > s.start) events.push([s.start, 0, 1], [s.end, 0, -1]);
  events.sort((a, b) => a[0] - b[0]);
  const gaps: Span[] = [];
  let req = 0;
  let have = 0;
  let i = 0;
  while (i < events.length) {
    const t = events[i]![0];
    while (i < events.length && events[i]![0] === t) {
      req += events[i]![1];
      have += events[i]![2];
      i++;
    }
    const next = events[i]?.[0];
    if (next === undefined) break;
    if (req > 0 && have < required) {
      const last = gaps[gaps.length - 1];
      if (last && last.end === t) last.end = next;
      else gaps.push({ start: t, end: next });
    }
  }
  return gaps;
}
