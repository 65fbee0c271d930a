// The old path of the visits module's exports (now commands.ts, queries.ts and views.ts).
export { checkIn, checkOut, extendVisit, panic, setDuressPin, startVisit, type NewVisit, type SignOfLife } from "./commands.js";
export { getVisit, listVisits } from "./queries.js";
export { visitView } from "./views.js";
