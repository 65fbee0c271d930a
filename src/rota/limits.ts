// The rota's bounds, shared by its services (which check input against them) and its
// store (which bounds index scans by them). Plain constants.

const DAY_MS = 86_400_000;

/** No assignment lasts longer (service.assign and pattern durations enforce it)... */
export const MAX_ASSIGNMENT_MS = 7 * DAY_MS;
/** ...so an assignment covering an instant started at most this long before it (a day
 *  spare for a 7-day pattern shift stretched by a clock change). Bounds the index scan. */
export const SCAN_BACK_MS = MAX_ASSIGNMENT_MS + DAY_MS;

/** The longest window one request may ask about: a little over a year. */
export const MAX_WINDOW_DAYS = 400;
