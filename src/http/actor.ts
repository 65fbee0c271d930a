import type { Context } from "hono";
import type { AppEnv } from "../deps.js";
import type { Actor } from "../audit/chain.js";
import { Unauthenticated } from "../errors.js";

/** The audit actor of a signed-in request. */
export function actorOf(c: Context<AppEnv>): Actor & { type: "staff" } {
  const user = c.get("user");
  if (!user) throw new Unauthenticated();
  return { type: "staff", id: user.id };
}
