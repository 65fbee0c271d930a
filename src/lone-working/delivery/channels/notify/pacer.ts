// The Notify sender's pacing rule, kept pure (every time is passed in): a sliding window
// that never lets more than `perWindow` requests start in any `windowMs`, plus a pause
// (after a 429) before which nothing starts at all.
//
// A start at time s occupies a slot until s + windowMs, so a new start at x is allowed
// when fewer than perWindow recorded starts fall in (x - windowMs, x]. Starts are kept in
// the order they were recorded (time only moves forward), and the ones that can no longer
// matter are dropped as time passes.

export class Pacer {
  private starts: number[] = [];
  private pausedUntil = -Infinity;

  constructor(
    readonly perWindow: number,
    readonly windowMs = 60_000,
  ) {
    if (!Number.isInteger(perWindow) || perWindow < 1) throw new RangeError("perWindow must be a positive integer");
    if (!(windowMs > 0)) throw new RangeError("windowMs must be positive");
  }

  /** The earliest time at or after `now` at which one more request may start. */
  earliestStart(now: number): number {
    this.prune(now);
    return Math.max(now, this.pausedUntil, this.slotFreeAt(this.starts, this.starts.length));
  }

  /** Start one now if allowed (and record it); false means wait until earliestStart(now). */
  take(now: number): boolean {
    if (this.earliestStart(now) > now) return false;
    this.starts.push(now);
    return true;
  }

  /** Nothing starts before `until` (a 429 from Notify). A shorter pause never shortens a longer one. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** When the current pause ends (-Infinity when none has been set). */
  get pauseEnds(): number {
    return this.pausedUntil;
  }

  /** Starts recorded in (now - windowMs, now]. */
  inWindow(now: number): number {
    this.prune(now);
    return this.starts.filter((s) => s > now - this.windowMs && s <= now).length;
  }

  /**
   * How many requests could start from `now` up to and including `now + withinMs`,
   * starting each as early as the rule allows.
   */
  capacity(now: number, withinMs: number): number {
    this.prune(now);
    const end = now + Math.max(0, withinMs);
    const starts = this.starts.slice();
    let n = 0;
    // Each round starts one more at the earliest moment allowed; bounded, so a huge
    // `withinMs` cannot spin (it answers "at least this many").
    const bound = this.perWindow * (Math.ceil(Math.max(0, withinMs) / this.windowMs) + 1);
    while (n < bound) {
      const at = Math.max(now, this.pausedUntil, this.slotFreeAt(starts, starts.length));
      if (at > end) break;
      starts.push(at);
      n++;
    }
    return n;
  }

  /** Given `count` starts so far (sorted), when the next one may go without passing the limit. */
  private slotFreeAt(starts: readonly number[], count: number): number {
    if (count < this.perWindow) return -Infinity;
    return starts[count - this.perWindow]! + this.windowMs;
  }

  private prune(now: number): void {
    // Starts at or before now - windowMs no longer hold a slot at or after now.
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop]! <= now - this.windowMs) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }
}
