// A write made with an API token is made by the token's holder, but through a
// credential someone else made: the audit row must say so ("Y, via token T made
// by X"). The request's token is kept for the request's whole async life, so every
// audit row written on its behalf carries it, however the row's actor was built.
import { AsyncLocalStorage } from "node:async_hooks";

/** The token a staff actor used, and who made it. */
export interface Via {
  tokenId: string;
  madeBy: string;
}

const scope = new AsyncLocalStorage<{ holderId: string; via: Via }>();

/** Run fn (a request's handling) as the holder of this token. */
export function actingVia<T>(holderId: string, via: Via, fn: () => T): T {
  return scope.run({ holderId, via }, fn);
}

/**
 * fn bound to the token scope in force now, for work run later from another request's
 * context (a group commit). Cheaper than AsyncResource.bind, which cost the check-in
 * path several per cent (Node 20 builds a deprecated getter on every bound function).
 */
export function inCurrentVia<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  const s = scope.getStore();
  // Outside a scope, the job runs outside any (the flush may run in a token request's).
  return s ? (...a: A) => scope.run(s, () => fn(...a)) : (...a: A) => scope.exit(() => fn(...a));
}

/** The token in use, when staffId is the one acting through it. */
export function viaFor(staffId: string): Via | undefined {
  const s = scope.getStore();
  return s && s.holderId === staffId ? s.via : undefined;
}
