// Demo rota for the demo council: 8 weeks from cast.today of round-the-clock AMHP
// duty and duty-manager cover, filled by rotation, with ONE deliberate gap (a
// weekday evening with no manager) that coverage and readiness report.
import type { Deps } from "../deps.js";
import type { DemoCast } from "../demo/cast.js";
import { type Actor } from "../audit/chain.js";
import { addDays, startOfLocalDay, weekday } from "../calendar/days.js";
import { addPattern, cancelAssignment, createRota, rotation, type NewPattern } from "./service.js";
import { acceptSwap, offerSwap } from "./swaps.js";
import { DomainError } from "../errors.js";
import { rotaDemoStore } from "./store/demo.js";

const actor: Actor = { type: "system", job: "demo" };
export const DEMO_WEEKS = 8;

export async function seedRota(deps: Deps, cast: DemoCast) {
  const tz = deps.config.TZ_LOCAL;
  const first = cast.today;
  const last = addDays(first, DEMO_WEEKS * 7 - 1);
  const from = startOfLocalDay(first, tz);
  const to = startOfLocalDay(addDays(last, 1), tz);
  // Approvals for AMHPs with none covering the demo weeks (the HR seeder normally gives them).
  await rotaDemoStore(deps.db).ensureApprovals(
    cast.amhps.map((p) => p.id),
    first,
    last,
    actor,
    deps.clock.now(),
  );
  // From yesterday, so the night shift running into this morning is on the rota too.
  const window = { startsOn: addDays(first, -1), endsOn: last };
  const rotateFrom = startOfLocalDay(addDays(first, -1), tz);
  const make = async (name: string, kind: "amhp_duty" | "manager_cover", patterns: NewPattern[], requiredStaff = 1) => {
    const rota = await createRota(deps, actor, { name, kind, requiredStaff });
    for (const p of patterns) await addPattern(deps, actor, rota.id, { ...window, ...p });
    return rota;
  };
  const WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
  const WEEKENDS = "FREQ=WEEKLY;BYDAY=SA,SU";

  const amhpDay = await make("AMHP duty: weekday daytime", "amhp_duty", [
    { rrule: WEEKDAYS, startTime: "09:00", durationMinutes: 8 * 60, label: "Weekday day duty", skipBankHolidays: true },
  ], 2);
  const amhpOut = await make("AMHP duty: nights, weekends and bank holidays", "amhp_duty", [
    { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 16 * 60, label: "Night duty (17:00-09:00)" },
    { rrule: WEEKENDS, startTime: "09:00", durationMinutes: 8 * 60, label: "Weekend / bank holiday day duty", addBankHolidays: true },
  ]);
  const mgrDay = await make("Duty manager: office hours", "manager_cover", [
    { rrule: WEEKDAYS, startTime: "09:00", durationMinutes: 8 * 60, label: "Office-hours duty manager", skipBankHolidays: true },
  ]);
  const mgrOut = await make("Manager cover: evenings, weekends and bank holidays", "manager_cover", [
    { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 16 * 60, label: "Evening and overnight cover (17:00-09:00)" },
    { rrule: WEEKENDS, startTime: "09:00", durationMinutes: 8 * 60, label: "Weekend / bank holiday day cover", addBankHolidays: true },
  ]);

  // AMHPs split between days and nights so nobody is rostered round the clock.
  const half = Math.ceil(cast.amhps.length / 2);
  const dayAmhps = cast.amhps.slice(0, half).map((p) => p.id);
  const outAmhps = cast.amhps.slice(half).map((p) => p.id);
  const officeManagers = cast.managers.filter((_, i) => i % 2 === 1).map((p) => p.id);
  const coverManagers = [...cast.managers.filter((_, i) => i % 2 === 0), ...cast.seniorManagers].map((p) => p.id);
  await rotation(deps, actor, amhpDay.id, { from: rotateFrom, to, staffIds: dayAmhps.length ? dayAmhps : outAmhps });
  await rotation(deps, actor, amhpOut.id, { from: rotateFrom, to, staffIds: outAmhps.length ? outAmhps : dayAmhps });
  await rotation(deps, actor, mgrDay.id, { from: rotateFrom, to, staffIds: officeManagers.length ? officeManagers : coverManagers });
  await rotation(deps, actor, mgrOut.id, { from: rotateFrom, to, staffIds: coverManagers });

  // The deliberate gap: the evening cover on the Wednesday of the second week.
  let gapDay = addDays(first, 7);
  while (weekday(gapDay) !== 3) gapDay = addDays(gapDay, 1);
  const gapStart = startOfLocalDay(gapDay, tz);
  const evening = await rotaDemoStore(deps.db).firstLiveAssignmentFrom(mgrOut.id, gapStart);
  if (evening) await cancelAssignment(deps, actor, evening.id, "Manager on annual leave; no cover found yet");

  // A swap waiting for a manager: next week's first weekday duty, offered by its holder to a
  // colleague who has accepted it (the first one the rules allow).
  let swapAt = startOfLocalDay(addDays(first, 7), tz);
  let swap: Awaited<ReturnType<typeof acceptSwap>> | undefined;
  for (let tries = 0; tries < 5 && !swap; tries++) {
    const shift = await rotaDemoStore(deps.db).firstLiveAssignmentFrom(amhpDay.id, swapAt);
    if (!shift) break;
    for (const to of dayAmhps.filter((id) => id !== shift.staffId)) {
      try {
        const offered = await offerSwap(deps, { type: "staff", id: shift.staffId }, false, { assignmentId: shift.id, toStaffId: to });
        swap = await acceptSwap(deps, { type: "staff", id: to }, offered.id);
        break;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e; // refused by a rule (rest, double booking): the next colleague
      }
    }
    swapAt = new Date(shift.end.getTime());
  }
  return { rotas: [amhpDay, amhpOut, mgrDay, mgrOut], swap, gap: evening ? { start: evening.start, end: evening.end } : undefined, from, to };
}
