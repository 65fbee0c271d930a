import type { Deps } from "../../../../deps.js";
import { createPushSender, type SenderOptions } from "./sender.js";
import { checkVapidKeys, loadOrCreateVapidKeys } from "./vapid.js";

/**
 * Load (or on first start generate and store) the VAPID keys and put the real
 * sender in deps.push. Trust comes from the system roots plus NODE_EXTRA_CA_CERTS;
 * tests pass `ca` for their self-signed push service.
 */
export async function startPush(deps: Deps, opts: Omit<SenderOptions, "keys"> = {}): Promise<void> {
  const keys = loadOrCreateVapidKeys(deps);
  checkVapidKeys(keys);
  deps.push = createPushSender(deps, { ...opts, keys });
  deps.log.info({ publicKey: keys.publicKey, fromEnv: !!deps.config.VAPID_PUBLIC_KEY, allowedHosts: deps.config.pushAllowedHosts }, "web push ready");
}
