import type { Deps } from "../deps.js";

/** Load or create the VAPID keys. Filled in by the lone-working capability. */
export async function startPush(_deps: Deps): Promise<void> {}
