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

/** The token in use, when staffId is the one acting through it. */
export function viaFor(staffId: string): Via | undefined {
  const s = scope.getStore();
  return s && s.holderId === staffId ? s.via : undefined;
}
