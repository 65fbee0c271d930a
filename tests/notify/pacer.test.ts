import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/lone-working/delivery/channels/notify/pacer.js";

/** The largest number of `starts` inside any window (t - w, t]. */
function busiestWindow(starts: number[], w: number): number {
  let best = 0;
  for (const t of starts) best = Math.max(best, starts.filter((s) => s > t - w && s <= t).length);
  return best;
}

describe("Pacer", () => {
  it("lets perWindow start at once, then the next only when the oldest leaves the window", () => {
    const p = new Pacer(3, 60_000);
    expect([p.take(0), p.take(0), p.take(10)]).toEqual([true, true, true]);
    expect(p.take(10)).toBe(false);
    expect(p.earliestStart(10)).toBe(60_000);
    expect(p.take(59_999)).toBe(false);
    expect(p.take(60_000)).toBe(true);
    // Two starts left the window at 60 000 but one came back in: one slot until 60 010.
    expect(p.take(60_000)).toBe(true);
    expect(p.take(60_000)).toBe(false);
    expect(p.earliestStart(60_000)).toBe(60_010);
  });

  it("never starts more than perWindow in any window, whatever the arrival pattern", () => {
    const p = new Pacer(7, 1_000);
    const starts: number[] = [];
    let now = 0;
    // A pseudo-random stream of attempts: some in bursts, some spread out.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2_000; i++) {
      now += rnd() < 0.7 ? 0 : Math.floor(rnd() * 400);
      if (p.take(now)) starts.push(now);
      else expect(p.earliestStart(now)).toBeGreaterThan(now);
    }
    expect(starts.length).toBeGreaterThan(100);
    expect(busiestWindow(starts, 1_000)).toBe(7);
  });

  it("following earliestStart gives exactly perWindow a window under a steady backlog", () => {
    const p = new Pacer(5, 60_000);
    const starts: number[] = [];
    let now = 1_000;
    while (starts.length < 23) {
      if (p.take(now)) starts.push(now);
      else now = p.earliestStart(now);
    }
    expect(starts.slice(0, 5)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(starts.slice(5, 10)).toEqual([61_000, 61_000, 61_000, 61_000, 61_000]);
    expect(starts[22]).toBe(241_000);
    expect(busiestWindow(starts, 60_000)).toBe(5);
  });

  it("a pause holds every start until it ends, and a shorter pause does not cut it short", () => {
    const p = new Pacer(100, 60_000);
    p.pause(5_000);
    p.pause(2_000);
    expect(p.take(0)).toBe(false);
    expect(p.earliestStart(0)).toBe(5_000);
    expect(p.take(4_999)).toBe(false);
    expect(p.take(5_000)).toBe(true);
    expect(p.pauseEnds).toBe(5_000);
  });

  it("capacity counts what could start within a horizon, slots freeing included", () => {
    const p = new Pacer(4, 60_000);
    expect(p.capacity(0, 1_000)).toBe(4);
    p.take(0);
    p.take(0);
    p.take(30_000);
    expect(p.capacity(30_000, 1_000)).toBe(1);
    // One now; by 60 000 the two from 0 free their slots (2 more); by 90 000 the one from
    // 30 000 and the one started now free theirs (2 more).
    expect(p.capacity(30_000, 30_000)).toBe(3);
    expect(p.capacity(30_000, 60_000)).toBe(5);
    expect(p.inWindow(30_000)).toBe(3);
    // capacity does not record anything.
    expect(p.inWindow(30_000)).toBe(3);
    p.pause(100_000);
    expect(p.capacity(30_000, 60_000)).toBe(0);
    expect(p.capacity(30_000, 70_000)).toBe(4);
  });

  it("capacity over more than one window is bounded by the rule too", () => {
    const p = new Pacer(10, 60_000);
    // [0, 120 000]: 10 at 0, 10 at 60 000, 10 at 120 000.
    expect(p.capacity(0, 120_000)).toBe(30);
    expect(p.capacity(0, 119_999)).toBe(20);
  });

  it("refuses a nonsense limit", () => {
    expect(() => new Pacer(0)).toThrow(RangeError);
    expect(() => new Pacer(2.5)).toThrow(RangeError);
    expect(() => new Pacer(5, 0)).toThrow(RangeError);
  });
});
