// The ladder's storage: one setting (POLICY_KEY), read inside the caller's transaction or on
// a connection, written by escalation's store (savePolicy, audited there).
import type { Db, Tx } from "../../db/connection.js";
import { getSetting, putSetting } from "../../db/settings.js";
import { defaultPolicy, POLICY_KEY, type Policy } from "./policy.js";

/** The ladder for new alerts: the stored one over the default (fields added since are defaulted). */
export function currentPolicy(db: Db | Tx): Policy {
  const stored = getSetting<Policy>(db, POLICY_KEY);
  return stored ? { ...defaultPolicy(), ...stored } : defaultPolicy();
}

export function savePolicy(tx: Tx, policy: Policy, at: Date): void {
  putSetting(tx, POLICY_KEY, policy, at);
}
