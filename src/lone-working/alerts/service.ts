// The old path of the alerts module's pure rules (alerts/report.ts reads workerMaySee here).
export { isManager, workerMaySee } from "./rules.js";
