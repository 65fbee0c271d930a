// Push subscriptions: one row per device, identified by its endpoint, owned by the
// person who last subscribed from it (a shared phone moves to whoever signs in).
// The rules a subscription must meet are checked here; the rows are the store's.
import { type Actor } from "../../../../audit/chain.js";
import type { Deps } from "../../../../deps.js";
import { InvalidInput } from "../../../../errors.js";
import { endpointRefusal } from "./allowed-hosts.js";
import { pushStore } from "./store.js";


export interface NewSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  userAgent?: string;
}

/** Validate keys as a browser makes them, so a bad one fails here rather than at send time. */
function checkKeys(keys: NewSubscription["keys"]): void {
  const p = Buffer.from(keys.p256dh, "base64url");
  const a = Buffer.from(keys.auth, "base64url");
  const errors = [];
  if (p.length !== 65 || p[0] !== 4) errors.push({ path: "keys.p256dh", message: "must be a base64url uncompressed P-256 public key" });
  if (a.length < 16) errors.push({ path: "keys.auth", message: "must be a base64url auth secret of 16 bytes" });
  if (errors.length) throw new InvalidInput(errors);
}

/** Create or take over the subscription with this endpoint. */
export async function subscribe(deps: Deps, actor: Actor & { type: "staff" }, input: NewSubscription): Promise<{ id: string; created: boolean }> {
  const refusal = endpointRefusal(input.endpoint, deps.config.pushAllowedHosts);
  if (refusal) throw new InvalidInput([{ path: "endpoint", message: `endpoint ${refusal}` }]);
  checkKeys(input.keys);
  return pushStore(deps.db).subscribe(actor, { endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: input.userAgent?.slice(0, 300) ?? null }, deps.clock.now());
}

/** Remove the caller's own subscription with this endpoint; someone else's is not found. */
export async function unsubscribe(deps: Deps, actor: Actor & { type: "staff" }, endpoint: string): Promise<void> {
  await pushStore(deps.db).unsubscribe(actor, endpoint, deps.clock.now());
}
