// The monthly lone-working table's pure rules (src/lone-working/alerts/monthly.ts).
import { describe, expect, it } from "vitest";
import { alarmKind, escalatedToPolice, monthlyTable, monthsOf, outcomeClass, type MonthlyAlert } from "../../src/lone-working/alerts/monthly.js";
import { LADDER } from "../alerts/setup.js";

const policy = { steps: LADDER } as MonthlyAlert["policy"];
const alert = (over: Partial<MonthlyAlert>): MonthlyAlert => ({
  reason: "missed_check_in",
  drill: false,
  raisedAt: new Date("2026-11-10T12:00:00Z"),
  step: 1,
  policy,
  resolvedAt: null,
  outcome: null,
  secondsToAcknowledge: null,
  channels: [],
  ...over,
});

describe("monthly lone-working rules", () => {
  it("kinds: a drill is a drill whatever raised it; a manager gap is not an alarm", () => {
    expect(alarmKind({ reason: "panic", drill: false })).toBe("panic");
    expect(alarmKind({ reason: "duress", drill: true })).toBe("drill");
    expect(alarmKind({ reason: "missed_check_in", drill: true })).toBe("drill");
    expect(alarmKind({ reason: "no_manager_on_duty", drill: false })).toBeNull();
    expect(alarmKind({ reason: "no_manager_on_duty", drill: true })).toBeNull();
  });

  it("outcomes: the board's choices, free text by its words, and unresolved", () => {
    expect(outcomeClass("police", true)).toBe("genuine");
    expect(outcomeClass("false_alarm", true)).toBe("false");
    expect(outcomeClass("contacted", true)).toBe("false");
    expect(outcomeClass("safe", true)).toBe("other");
    expect(outcomeClass("other", true)).toBe("other");
    expect(outcomeClass("Pressed by accident in her bag", true)).toBe("accidental");
    expect(outcomeClass("phoned: safe", true)).toBe("other");
    expect(outcomeClass("False alarm, forgot to check in", true)).toBe("false");
    expect(outcomeClass("Called 999", true)).toBe("genuine");
    expect(outcomeClass(null, true)).toBe("other");
    expect(outcomeClass(null, false)).toBe("unresolved");
    expect(outcomeClass("police", false)).toBe("unresolved");
  });

  it("police: the alert's own policy's consider-police step, or an outcome saying police", () => {
    expect(escalatedToPolice({ step: 2, policy, outcome: null })).toBe(false);
    expect(escalatedToPolice({ step: 3, policy, outcome: null })).toBe(true);
    expect(escalatedToPolice({ step: -1, policy, outcome: "police" })).toBe(true);
    // A policy with no considerPolice marks: its last repeating step that tells managers.
    const old = { steps: [{ afterSeconds: 0, notify: "duty_manager" }, { afterSeconds: 60, notify: "senior", repeatEverySeconds: 60 }] } as MonthlyAlert["policy"];
    expect(escalatedToPolice({ step: 0, policy: old, outcome: null })).toBe(false);
    expect(escalatedToPolice({ step: 1, policy: old, outcome: null })).toBe(true);
    // Its own policy, not another's: step 1 of a one-police-step-first ladder.
    const early = { steps: [{ afterSeconds: 0, notify: "senior", considerPolice: true }, { afterSeconds: 60, notify: "senior" }] } as MonthlyAlert["policy"];
    expect(escalatedToPolice({ step: 0, policy: early, outcome: null })).toBe(true);
    expect(escalatedToPolice({ step: -1, policy: early, outcome: null })).toBe(false);
  });

  it("months in the zone: local midnight on the first is the new month, `to` is exclusive", () => {
    const london = "Europe/London";
    // 1 October 00:00 BST is 30 September 23:00 UTC; 1 December 00:00 GMT ends November.
    expect(monthsOf(new Date("2026-09-30T23:00:00Z"), new Date("2026-12-01T00:00:00Z"), london)).toEqual(["2026-10", "2026-11"]);
    expect(monthsOf(new Date("2026-09-30T23:00:00Z"), new Date("2026-12-01T00:00:00Z"), "UTC")).toEqual(["2026-09", "2026-10", "2026-11"]);
    expect(monthsOf(new Date("2026-12-15T00:00:00Z"), new Date("2027-02-01T00:00:00Z"), "UTC")).toEqual(["2026-12", "2027-01"]);
    expect(monthsOf(new Date("2026-11-24T10:00:00Z"), new Date("2026-11-24T10:00:01Z"), london)).toEqual(["2026-11"]);
    expect(monthsOf(new Date("2020-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"), "UTC")).toHaveLength(120);
  });

  it("groups by month and kind, every pair present, and counts outcomes, police, acknowledgement and channels", () => {
    const from = new Date("2026-09-30T23:00:00Z");
    const to = new Date("2026-12-01T00:00:00Z");
    const rows = monthlyTable(
      [
        // 00:30 on 1 October in London (still 30 September in UTC): October.
        alert({ raisedAt: new Date("2026-09-30T23:30:00Z"), resolvedAt: new Date("2026-10-01T01:00:00Z"), outcome: "contacted", secondsToAcknowledge: 8, channels: [{ channel: "push", sent: 2, shown: 1, delivered: 0 }, { channel: "sms", sent: 1, shown: 0, delivered: 1 }] }),
        alert({ raisedAt: new Date("2026-10-20T09:00:00Z"), step: 3, secondsToAcknowledge: 50 }),
        alert({ reason: "panic", raisedAt: new Date("2026-11-02T09:00:00Z"), step: 2, resolvedAt: new Date("2026-11-02T10:00:00Z"), outcome: "police", secondsToAcknowledge: 4 }),
        alert({ reason: "panic", drill: true, raisedAt: new Date("2026-11-03T09:00:00Z"), resolvedAt: new Date("2026-11-03T09:05:00Z"), outcome: "Drill: pressed by accident" }),
        alert({ reason: "no_manager_on_duty", raisedAt: new Date("2026-11-04T09:00:00Z") }),
        alert({ reason: "duress", raisedAt: new Date("2026-12-01T00:00:00Z") }), // past the window's months
      ],
      from,
      to,
      "Europe/London",
    );
    expect(rows.map((r) => `${r.month} ${r.kind}`)).toEqual([
      "2026-10 missed_check_in",
      "2026-10 panic",
      "2026-10 duress",
      "2026-10 drill",
      "2026-11 missed_check_in",
      "2026-11 panic",
      "2026-11 duress",
      "2026-11 drill",
    ]);
    expect(rows[0]).toEqual({
      month: "2026-10",
      kind: "missed_check_in",
      alarms: 2,
      genuine: 0,
      false: 1,
      accidental: 0,
      other: 0,
      unresolved: 1,
      escalatedToPolice: 1,
      acknowledged: 2,
      medianSecondsToAcknowledge: 8,
      p90SecondsToAcknowledge: 50,
      shareAcknowledgedWithin10s: 0.5,
      shareAcknowledgedWithin40s: 0.5,
      pushSent: 2,
      pushShown: 1,
      textsSent: 1,
      textsDelivered: 1,
    });
    expect(rows[5]).toMatchObject({ kind: "panic", alarms: 1, genuine: 1, escalatedToPolice: 1, acknowledged: 1, medianSecondsToAcknowledge: 4, shareAcknowledgedWithin10s: 1 });
    expect(rows[7]).toMatchObject({ kind: "drill", alarms: 1, accidental: 1, acknowledged: 0, medianSecondsToAcknowledge: null, shareAcknowledgedWithin10s: null });
    expect(rows[6]).toMatchObject({ kind: "duress", alarms: 0 });
    expect(rows.reduce((n, r) => n + r.alarms, 0)).toBe(4);
  });
});
