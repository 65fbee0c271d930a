// VAPID keys (RFC 8292): generated once and kept in the database unless the
// environment provides them, and a signer that reuses one JWT per push-service
// origin until it nears expiry (signing costs ~0.5 ms; a burst of 1,000 alerts
// to one service should not pay it 1,000 times).
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import webPush from "web-push";
import type { Deps } from "../../../../deps.js";
import { storedVapidKeys } from "./store.js";

export interface VapidKeys {
  /** base64url, uncompressed P-256 point (65 bytes): what browsers take as applicationServerKey. */
  publicKey: string;
  /** base64url, 32-byte scalar. */
  privateKey: string;
  subject: string;
}

/** The keys in force: from VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, else the stored pair, else a new stored pair. */
export function loadOrCreateVapidKeys(deps: Pick<Deps, "db" | "config" | "clock">): VapidKeys {
  const { VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT } = deps.config;
  if (VAPID_PUBLIC_KEY && VAPID_PRIVATE_KEY) return { publicKey: VAPID_PUBLIC_KEY, privateKey: VAPID_PRIVATE_KEY, subject: VAPID_SUBJECT };
  const keys = storedVapidKeys(deps.db, () => webPush.generateVAPIDKeys(), deps.clock.now());
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, subject: VAPID_SUBJECT };
}

/** Check a key pair's shape, so a typo in the environment fails at start-up, not at 3 a.m. */
export function checkVapidKeys(keys: VapidKeys): void {
  const pub = Buffer.from(keys.publicKey, "base64url");
  const priv = Buffer.from(keys.privateKey, "base64url");
  if (pub.length !== 65 || pub[0] !== 4) throw new Error("VAPID_PUBLIC_KEY: not a base64url uncompressed P-256 public key (65 bytes)");
  if (priv.length !== 32) throw new Error("VAPID_PRIVATE_KEY: not a base64url P-256 private key (32 bytes)");
  privateKeyObject(keys); // throws when the two do not belong together
}

function privateKeyObject(keys: VapidKeys): KeyObject {
  const pub = Buffer.from(keys.publicKey, "base64url");
  return createPrivateKey({
    format: "jwk",
    key: { kty: "EC", crv: "P-256", d: keys.privateKey, x: pub.subarray(1, 33).toString("base64url"), y: pub.subarray(33, 65).toString("base64url") },
  });
}

/** Sign one VAPID JWT (ES256) for `audience` (a push service's origin) expiring at `exp` (seconds). */
export function signVapidJwt(key: KeyObject, audience: string, subject: string, exp: number): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${enc({ typ: "JWT", alg: "ES256" })}.${enc({ aud: audience, exp, sub: subject })}`;
  const sig = sign("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" });
  return `${data}.${sig.toString("base64url")}`;
}

export interface VapidSigner {
  /** The `Authorization: vapid t=..., k=...` value for a push service origin. */
  authorization(audience: string): string;
  /** How many JWTs were signed (to show reuse). */
  readonly signed: number;
}

/**
 * Reuse a signed JWT per origin. Expiry 23 h (the spec's maximum is 24 h; an hour
 * of margin for clock skew at the push service); re-signed once less than 11 h remain.
 */
export function vapidSigner(keys: VapidKeys, now: () => Date, opts: { lifetimeSeconds?: number; refreshBeforeSeconds?: number } = {}): VapidSigner {
  const lifetime = opts.lifetimeSeconds ?? 23 * 3600;
  const refreshBefore = opts.refreshBeforeSeconds ?? 11 * 3600;
  const key = privateKeyObject(keys);
  const cache = new Map<string, { header: string; exp: number }>();
  let signed = 0;
  return {
    authorization(audience) {
      const t = Math.floor(now().getTime() / 1000);
      const hit = cache.get(audience);
      if (hit && hit.exp - t > refreshBefore) return hit.header;
      const exp = t + lifetime;
      const header = `vapid t=${signVapidJwt(key, audience, keys.subject, exp)}, k=${keys.publicKey}`;
      signed++;
      cache.set(audience, { header, exp });
      return header;
    },
    get signed() {
      return signed;
    },
  };
}
