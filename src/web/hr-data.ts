import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../deps.js";
import { sicknessDaysByMonth as daysLost } from "../reports/sickness-months.js";
import type { Bar } from "./charts.js";

/** The sickness chart's bars for the HR page, as the caller (src/reports/sickness-months.ts). */
export async function sicknessDaysByMonth(c: Context<AppEnv>, user: CurrentUser, asOf: string): Promise<Bar[] | null> {
  return daysLost(c.get("deps"), user, asOf);
}
