// Idempotency-Key: a phone retrying the same request gets the first answer and
// nothing is written twice. The key is stored in the same transaction as the
// effect, so either both land or neither does. A key is bound to the request it
// first came with (route and a digest of the body): the same key with anything else
// is a 409, never the first answer replayed for a request that was not made.
import { createHash } from "node:crypto";
import type { Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
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

export function once<T>(tx: Tx, staffId: string, key: IdemKey | undefined, route: string, now: Date, fn: () => { status: number; body: T }): Stored<T> {
  // Stored as "<route>#<digest>"; a row from before digests holds the route alone.
  const request = key ? `${route}#${key.digest}` : route;
  if (key) {
    // On every phone write (check-ins above all): prepared once per connection.
    const prior = prepared(tx, "SELECT request, status, body FROM idempotency_keys WHERE staff_id = ? AND key = ?").get(staffId, key.key) as
      | { request: string; status: number; body: string }
      | undefined;
    if (prior) {
      const cut = prior.request.lastIndexOf("#");
      const priorRoute = cut < 0 ? prior.request : prior.request.slice(0, cut);
      const priorDigest = cut < 0 ? undefined : prior.request.slice(cut + 1);
      if (priorRoute !== route) throw keyConflict("This Idempotency-Key was already used for a different request.");
      if (priorDigest !== undefined && priorDigest !== key.digest) throw keyConflict("This Idempotency-Key was already used with a different body: send a new key for a new request.");
      return { status: prior.status, body: JSON.parse(prior.body) as T, replayed: true };
    }
  }
  const result = fn();
  if (key) {
    prepared(tx, "INSERT INTO idempotency_keys (staff_id, key, request, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
      staffId,
      key.key,
      request,
      result.status,
      JSON.stringify(result.body),
      now.getTime(),
    );
  }
  return { ...result, replayed: false };
}
