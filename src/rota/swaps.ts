// Shift swaps: the holder (or a coordinator) offers an assignment to someone; the
// receiver accepts; a manager approves, which cancels the old assignment and gives
// the receiver a new one, after the same eligibility and double-booking checks.
// Each step is one transaction in the swap store (./store/swaps.ts).
import type { Deps } from "../deps.js";
import { type Actor } from "../audit/chain.js";
import { swapStore, type SwapListed, type SwapRow } from "./store/swaps.js";
import type { Warning } from "./rules/working-time.js";

export type { SwapRow };

export function offerSwap(deps: Deps, actor: Actor & { type: "staff" }, canManage: boolean, input: { assignmentId: string; toStaffId: string }): Promise<SwapRow> {
  return swapStore(deps.db).offer(input, canManage, actor, deps.clock.now());
}

export function acceptSwap(deps: Deps, actor: Actor & { type: "staff" }, swapId: string): Promise<SwapRow> {
  return swapStore(deps.db).accept(swapId, actor, deps.clock.now());
}

export async function approveSwap(deps: Deps, actor: Actor & { type: "staff" }, swapId: string): Promise<SwapRow & { warnings: Warning[] }> {
  const out = await swapStore(deps.db).approve(swapId, deps.config.TZ_LOCAL, actor, deps.clock.now());
  deps.wakeScheduler();
  return out;
}

/** Swaps the person is party to (all of them for a coordinator), newest first. */
export function listSwaps(deps: Deps, viewerId: string, canManage: boolean, status?: SwapRow["status"]): Promise<SwapListed[]> {
  return swapStore(deps.db).list(viewerId, canManage, status);
}
