// Records that may not overlap another live one of the same person: sickness episodes
// (an open one runs on) and leave. Pure: the stores pass in the live rows.
import { RuleViolation } from "../errors.js";

const OPEN_END = "9999-12-31";

/** 422 naming firstDay when [firstDay, lastDay] (null: still open) overlaps another episode. */
export function assertNoSicknessOverlap(
  episodes: readonly { id: string; firstDay: string; lastDay: string | null }[],
  firstDay: string,
  lastDay: string | null,
  exceptId?: string,
): void {
  const clash = episodes.find((e) => e.id !== exceptId && e.firstDay <= (lastDay ?? OPEN_END) && (e.lastDay ?? OPEN_END) >= firstDay);
  if (clash) {
    const msg = `This overlaps an episode already recorded from ${clash.firstDay}${clash.lastDay ? ` to ${clash.lastDay}` : " (still open)"}.`;
    throw new RuleViolation(msg, [{ path: "firstDay", message: msg }]);
  }
}

/** 422 naming from when [from, to] overlaps other leave. */
export function assertNoLeaveOverlap(leave: readonly { from: string; to: string }[], from: string, to: string): void {
  const overlapping = leave.find((l) => l.from <= to && l.to >= from);
  if (overlapping) {
    throw new RuleViolation(`This overlaps leave already recorded (${overlapping.from} to ${overlapping.to}).`, [{ path: "from", message: "overlaps other leave" }]);
  }
}
