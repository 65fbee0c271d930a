// Idempotency-Key: a phone retrying the same request gets the first answer and
// nothing is written twice. The key is stored in the same transaction as the
// effect, so either both land or neither does (visits/store.ts once). A key is bound to the request it
// first came with (route and a digest of the body): the same key with anything else
// is a 409, never the first answer replayed for a request that was not made.
import { createHash } from "node:crypto";
import { DomainError } from "../../errors.js";

export interface Stored<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The header's value and a digest of the request body it came with. */
export interface IdemKey {
  key: string;
  digest: string;
}

/** JSON with object keys sorted, so key order and spacing do not make two requests differ. */
function canonical(v: unknown): string {
  if (v === undefined) return "";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonical(x))).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
}

export const bodyDigest = (body: unknown): string => createHash("sha256").update(canonical(body)).digest("base64url");

/**
 * The key a request carries, bound to its (validated) body. Pass nothing secret that a
 * digest would expose: a route with a secret field passes a stand-in for it.
 */
export function idemKey(header: string | undefined, body: unknown): IdemKey | undefined {
  return header ? { key: header, digest: bodyDigest(body) } : undefined;
}

const keyConflict = (message: string) => new DomainError(409, "Conflict", message, [{ path: "Idempotency-Key", message }]);

/**
 * What a stored key says of a request that comes with it again: the first answer (a retry
 * of the same request), or a 409 for anything else. `prior.request` is "<route>#<digest>";
 * a row from before digests holds the route alone.
 */
export function replayOf<T>(prior: { request: string; status: number; body: string }, route: string, key: IdemKey): Stored<T> {
  const cut = prior.request.lastIndexOf("#");
  const priorRoute = cut < 0 ? prior.request : prior.request.slice(0, cut);
  const priorDigest = cut < 0 ? undefined : prior.request.slice(cut + 1);
  if (priorRoute !== route) throw keyConflict("This Idempotency-Key was already used for a different request.");
  if (priorDigest !== undefined && priorDigest !== key.digest) throw keyConflict("This Idempotency-Key was already used with a different body: send a new key for a new request.");
  return { status: prior.status, body: JSON.parse(prior.body) as T, replayed: true };
}

/** What the key is stored under: the route and the body's digest. */
export const requestOf = (route: string, key: IdemKey | undefined) => (key ? `${route}#${key.digest}` : route);
