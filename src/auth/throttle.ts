// Sign-in throttling rules (NIST SP 800-63B 5.2.2, OWASP ASVS 2.2.1): growing
// delays, never a lock. Pure: the counts in, when the next attempt may be made out.
//
// - pair (account + address): 5 failures free, then a wait after the last failure
//   of 1 min, doubling per further failure, at most 15 min. A success clears it.
// - account (every address): 20 failures in 24 h, then the same growing wait, but
//   only for addresses that have failed for this account themselves, and never for a
//   known address (one this account signed in from with the right password in the
//   last 90 days, as 5.2.2 suggests): a correct password from an address with no
//   failures for the account, or from the owner's usual address after a typo there,
//   always gets checked, so failures made elsewhere never refuse the owner.
// - address (every account): an address that failed for 50 different accounts in an
//   hour (a password spray) waits too, for every account. An office behind one NAT
//   stays far below that.
// Failures older than their window stop counting. An admin's unlock, or an admin
// setting a new password, clears the account's failures everywhere.
import { RateLimited } from "../errors.js";

export interface ThrottleRule {
  /** Failures (or, for an address, accounts) allowed before any wait. */
  free: number;
  baseMs: number;
  capMs: number;
  windowMs: number;
}

export const PAIR_RULE: ThrottleRule = { free: 5, baseMs: 60_000, capMs: 15 * 60_000, windowMs: 24 * 3_600_000 };
export const ACCOUNT_RULE: ThrottleRule = { free: 20, baseMs: 60_000, capMs: 15 * 60_000, windowMs: 24 * 3_600_000 };
export const ADDRESS_RULE: ThrottleRule = { free: 50, baseMs: 60_000, capMs: 15 * 60_000, windowMs: 3_600_000 };
/** An address an account signed in from is known for this long after its last sign-in there. */
export const KNOWN_ADDRESS_DAYS = 90;
/** Rows older than every window can go. */
export const LONGEST_WINDOW_MS = Math.max(PAIR_RULE.windowMs, ACCOUNT_RULE.windowMs, ADDRESS_RULE.windowMs);

/** The wait after the last failure once `count` have been counted: 0 while under the free allowance. */
export function delayAfter(count: number, rule: ThrottleRule): number {
  if (count < rule.free) return 0;
  return Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(count - rule.free, 30));
}

/** Failures within a rule's window: how many, and the newest (ms). */
export interface Counted {
  count: number;
  lastAt?: number;
}

export interface ThrottleInput {
  pair: Counted;
  account: Counted;
  /** Distinct accounts this address failed for, within ADDRESS_RULE.windowMs. */
  address: Counted;
  now: number;
  /** This account signed in from this address within KNOWN_ADDRESS_DAYS: the account rule does not apply. */
  knownAddress?: boolean;
}

export type ThrottleScope = "pair" | "account" | "address";
export interface Throttled {
  scope: ThrottleScope;
  retryAfterMs: number;
}

/** Whether an attempt now must wait, and how long; undefined when it may be checked. */
export function throttleFor(i: ThrottleInput): Throttled | undefined {
  const wait = (c: Counted, rule: ThrottleRule) => (c.lastAt === undefined ? 0 : c.lastAt + delayAfter(c.count, rule) - i.now);
  const waits: [ThrottleScope, number][] = [
    ["pair", wait(i.pair, PAIR_RULE)],
    // Failures elsewhere slow only an address that has failed for this account itself and
    // that the account never signed in from (there the pair allowance is the limit).
    ["account", i.pair.count > 0 && !i.knownAddress ? wait(i.account, ACCOUNT_RULE) : 0],
    ["address", wait(i.address, ADDRESS_RULE)],
  ];
  let worst: Throttled | undefined;
  for (const [scope, ms] of waits) if (ms > 0 && (!worst || ms > worst.retryAfterMs)) worst = { scope, retryAfterMs: ms };
  return worst;
}

function inWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** The 429 for a throttled attempt, saying how long to wait and what else may help. */
export function throttleRefusal(t: Throttled): RateLimited {
  const seconds = Math.max(1, Math.ceil(t.retryAfterMs / 1000));
  const wait = inWords(seconds);
  const text = {
    pair: `Too many wrong passwords for this account from here. Try again in ${wait}, or ask an admin to unlock the account.`,
    account: `Too many wrong passwords for this account. Try again in ${wait}, or ask an admin to unlock the account.`,
    address: `Too many failed sign-ins from your network. Try again in ${wait}.`,
  }[t.scope];
  return new RateLimited(text, seconds);
}
