// Who is on duty: the readers other modules' stores call inside their own transaction
// live in the rota's store (./store/tx.ts); this path keeps their old imports working.
export { assignmentsOfKind, nextShiftOf, onDutyAt, uncoveredIntervals, type OnDuty } from "./store/tx.js";
export { MAX_ASSIGNMENT_MS, SCAN_BACK_MS } from "./limits.js";
