import type { Context } from "hono";
import type { AppEnv } from "../deps.js";
import type { Actor } from "../audit/chain.js";
import { viaFor } from "../audit/via.js";
import { Unauthenticated } from "../errors.js";

/** The audit actor of a signed-in request: the person, and the API token when they used one. */
export function actorOf(c: Context<AppEnv>): Actor & { type: "staff" } {
  const user = c.get("user");
  if (!user) throw new Unauthenticated();
  const via = viaFor(user.id);
  return via ? { type: "staff", id: user.id, via } : { type: "staff", id: user.id };
}
