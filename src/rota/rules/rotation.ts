// Round-robin rotation: the shifts in order, the listed staff in turn. Whoever is
// unavailable for a shift is passed over (and the reason kept); the turn then
// continues after whoever took it, so each person's place in the cycle is kept.
import type { Window } from "./eligibility.js";

export interface RotationResult<S extends Window> {
  assigned: { shift: S; staffId: string }[];
  skipped: { shift: S; staffId: string; reason: string }[];
  /** Shifts (or places on them) nobody listed could take. */
  unfilled: { shift: S; places: number }[];
}

/**
 * @param places how many more people each shift needs (0 leaves it alone)
 * @param unavailable why a person cannot take a shift, or undefined
 */
export function rotate<S extends Window>(
  shifts: readonly S[],
  staffIds: readonly string[],
  places: (shift: S) => number,
  unavailable: (staffId: string, shift: S) => string | undefined,
): RotationResult<S> {
  const result: RotationResult<S> = { assigned: [], skipped: [], unfilled: [] };
  const made = new Map<string, Window[]>();
  let turn = 0;
  for (const shift of shifts) {
    let need = places(shift);
    const taken = new Set<string>();
    const refused = new Set<string>();
    let tried = 0;
    while (need > 0 && tried < staffIds.length) {
      const idx = (turn + tried) % staffIds.length;
      const staffId = staffIds[idx]!;
      tried++;
      if (taken.has(staffId) || refused.has(staffId)) continue;
      const clash = (made.get(staffId) ?? []).find((m) => m.start < shift.end && shift.start < m.end);
      const reason = clash ? "already given an overlapping shift by this rotation" : unavailable(staffId, shift);
      if (reason) {
        result.skipped.push({ shift, staffId, reason });
        refused.add(staffId);
        continue;
      }
      result.assigned.push({ shift, staffId });
      taken.add(staffId);
      made.set(staffId, [...(made.get(staffId) ?? []), shift]);
      need--;
      turn = idx + 1;
      tried = 0;
      // Restart the scan from the next person; stop once everyone has been considered.
      if (taken.size >= staffIds.length) break;
    }
    if (need > 0) result.unfilled.push({ shift, places: need });
  }
  return result;
}
