// Lone-working alarms by month, in the BS 8484 style: how many alarms of each kind, how
// they turned out (genuine, false, accidental), how many reached the "consider police"
// step, how fast someone acknowledged them (the 10 s and 40 s marks) and whether push and
// text messages got through. Pure: no database, no clock; the report (report.ts) reads the
// rows and calls these.
import { localDay, parseDay } from "../../calendar/days.js";
import { isPoliceStep, type Policy } from "../escalation/policy.js";

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function ackStats(seconds: number[]) {
  const s = [...seconds].sort((a, b) => a - b);
  const share = (limit: number) => (s.length ? s.filter((x) => x <= limit).length / s.length : null);
  return {
    acknowledged: s.length,
    medianSeconds: percentile(s, 50),
    p90Seconds: percentile(s, 90),
    maxSeconds: s.length ? s[s.length - 1]! : null,
    shareWithin10s: share(10),
    shareWithin40s: share(40),
  };
}

/** The kinds of alarm the monthly table counts. A drill is a drill whatever raised it. */
export const ALARM_KINDS = ["missed_check_in", "panic", "duress", "drill"] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** An alert's kind in the table; null for what is not an alarm (a no_manager_on_duty gap). */
export function alarmKind(a: { reason: string; drill: boolean }): AlarmKind | null {
  if (a.reason === "no_manager_on_duty") return null;
  if (a.drill) return "drill";
  return a.reason === "missed_check_in" || a.reason === "panic" || a.reason === "duress" ? a.reason : null;
}

export const OUTCOME_CLASSES = ["genuine", "false", "accidental", "other", "unresolved"] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/**
 * The outcomes the board offers (src/web/static/board.js OUTCOMES) and what each says of
 * the alarm. "Police called" is a genuine alarm; "False alarm" and "Contacted worker, no
 * concern" are false alarms (nothing was wrong). "Worker safe" says how it ended, not
 * whether there was danger, so it is `other`, as is "Other (see note)".
 */
const CHOSEN: Record<string, OutcomeClass> = {
  police: "genuine",
  false_alarm: "false",
  contacted: "false",
  safe: "other",
  other: "other",
};

/**
 * How an alarm turned out, from its resolve outcome. The API takes any text, so text
 * that is not one of the board's choices is read for its words: an accident (pressed by
 * mistake) is accidental, "false alarm"/"no concern" is false, police, 999 or "genuine"
 * is genuine; anything else is `other`. Not resolved yet: `unresolved`.
 */
export function outcomeClass(outcome: string | null, resolved: boolean): OutcomeClass {
  if (!resolved) return "unresolved";
  const text = (outcome ?? "").trim().toLowerCase();
  if (!text) return "other";
  const chosen = CHOSEN[text];
  if (chosen) return chosen;
  if (/accident|by mistake|pressed in error|mis-?press|pocket/.test(text)) return "accidental";
  if (/\bnot genuine\b|false|no concern|nothing wrong/.test(text)) return "false";
  if (/police|\b999\b|genuine|ambulance|emergency services/.test(text)) return "genuine";
  return "other";
}

/** Whether a resolve outcome says the police were called (or the word police, at least). */
export const outcomeSaysPolice = (outcome: string | null) => /police|\b999\b/i.test(outcome ?? "");

/**
 * The alarm reached its "consider police (999)" step: the highest step fired is at or past
 * the first police step of the alert's own policy (the one copied onto it when raised),
 * or the outcome says the police were called.
 */
export function escalatedToPolice(a: { step: number; policy: Pick<Policy, "steps">; outcome: string | null }): boolean {
  const steps = a.policy?.steps ?? [];
  for (let i = 0; i <= a.step && i < steps.length; i++) if (isPoliceStep(a.policy, i)) return true;
  return outcomeSaysPolice(a.outcome);
}

/** "YYYY-MM" months, in the zone, from the month `from` falls in to the month of the last instant before `to`. */
export function monthsOf(from: Date, to: Date, tz: string): string[] {
  const first = parseDay(localDay(from, tz));
  const lastInstant = new Date(Math.max(from.getTime(), to.getTime() - 1));
  const last = parseDay(localDay(lastInstant, tz));
  const out: string[] = [];
  // Counted, not compared: the API's windows are at most ten years (and its days 1900..2100).
  const n = Math.min((last.y - first.y) * 12 + (last.m - first.m), 12 * 201);
  for (let i = 0; i <= n; i++) {
    const m0 = first.m - 1 + i;
    const y = first.y + Math.floor(m0 / 12);
    out.push(`${String(y).padStart(4, "0")}-${String((m0 % 12) + 1).padStart(2, "0")}`);
  }
  return out;
}

/** Per channel, an alert's notifications: sent, shown on a device (push) and delivered (text). */
export interface ChannelCounts {
  channel: string;
  sent: number;
  shown: number;
  delivered: number;
}

/** What the table needs of one alert (already scoped to what the viewer may see). */
export interface MonthlyAlert {
  reason: string;
  drill: boolean;
  raisedAt: Date;
  step: number;
  policy: Pick<Policy, "steps">;
  resolvedAt: Date | null;
  outcome: string | null;
  /** Seconds from the first manager told (or raising) to the acknowledgement; null when nobody acknowledged. */
  secondsToAcknowledge: number | null;
  channels: ChannelCounts[];
}

export interface MonthlyRow {
  /** The calendar month in the service's zone, "YYYY-MM". */
  month: string;
  kind: AlarmKind;
  alarms: number;
  genuine: number;
  false: number;
  accidental: number;
  other: number;
  unresolved: number;
  escalatedToPolice: number;
  acknowledged: number;
  medianSecondsToAcknowledge: number | null;
  p90SecondsToAcknowledge: number | null;
  shareAcknowledgedWithin10s: number | null;
  shareAcknowledgedWithin40s: number | null;
  pushSent: number;
  pushShown: number;
  textsSent: number;
  textsDelivered: number;
}

/** The CSV's columns, in order (every key of a row). */
export const MONTHLY_COLUMNS = [
  "month",
  "kind",
  "alarms",
  "genuine",
  "false",
  "accidental",
  "other",
  "unresolved",
  "escalatedToPolice",
  "acknowledged",
  "medianSecondsToAcknowledge",
  "p90SecondsToAcknowledge",
  "shareAcknowledgedWithin10s",
  "shareAcknowledgedWithin40s",
  "pushSent",
  "pushShown",
  "textsSent",
  "textsDelivered",
] as const satisfies readonly (keyof MonthlyRow)[];

/**
 * One row per month of the window and kind of alarm (every month and kind, zeros
 * included, so a chart has its gaps), months in order, kinds in ALARM_KINDS order.
 * Alerts outside the window's months, and those that are not alarms, are left out.
 */
export function monthlyTable(alerts: readonly MonthlyAlert[], from: Date, to: Date, tz: string): MonthlyRow[] {
  const months = monthsOf(from, to, tz);
  const groups = new Map<string, { row: MonthlyRow; seconds: number[] }>();
  for (const month of months) {
    for (const kind of ALARM_KINDS) {
      groups.set(`${month} ${kind}`, {
        seconds: [],
        row: {
          month,
          kind,
          alarms: 0,
          genuine: 0,
          false: 0,
          accidental: 0,
          other: 0,
          unresolved: 0,
          escalatedToPolice: 0,
          acknowledged: 0,
          medianSecondsToAcknowledge: null,
          p90SecondsToAcknowledge: null,
          shareAcknowledgedWithin10s: null,
          shareAcknowledgedWithin40s: null,
          pushSent: 0,
          pushShown: 0,
          textsSent: 0,
          textsDelivered: 0,
        },
      });
    }
  }
  for (const a of alerts) {
    const kind = alarmKind(a);
    if (!kind) continue;
    const g = groups.get(`${localDay(a.raisedAt, tz).slice(0, 7)} ${kind}`);
    if (!g) continue;
    const r = g.row;
    r.alarms++;
    r[outcomeClass(a.outcome, a.resolvedAt !== null)]++;
    if (escalatedToPolice(a)) r.escalatedToPolice++;
    if (a.secondsToAcknowledge !== null) g.seconds.push(a.secondsToAcknowledge);
    for (const c of a.channels) {
      if (c.channel === "push") {
        r.pushSent += c.sent;
        r.pushShown += c.shown;
      } else if (c.channel === "sms") {
        r.textsSent += c.sent;
        r.textsDelivered += c.delivered;
      }
    }
  }
  return [...groups.values()].map(({ row, seconds }) => {
    const s = ackStats(seconds);
    return { ...row, acknowledged: s.acknowledged, medianSecondsToAcknowledge: s.medianSeconds, p90SecondsToAcknowledge: s.p90Seconds, shareAcknowledgedWithin10s: s.shareWithin10s, shareAcknowledgedWithin40s: s.shareWithin40s };
  });
}
