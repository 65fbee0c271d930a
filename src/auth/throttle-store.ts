// The sign-in throttle's tables: only this file reads or writes login_failures and
// sign_in_addresses. The rules are pure (throttle.ts); this counts and records.
import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { writeTx, type Tx } from "../db/connection.js";
import { storeFor } from "../db/store-kit.js";
import { throttleKey } from "./addresses.js";
import { loginFailures, signInAddresses } from "./schema.js";
import { ACCOUNT_RULE, ADDRESS_RULE, KNOWN_ADDRESS_DAYS, LONGEST_WINDOW_MS, PAIR_RULE, throttleFor, throttleRefusal, type Counted } from "./throttle.js";

export interface ThrottleStore {
  /**
   * Count a sign-in attempt before its password is checked: in one write transaction,
   * refuse (429) while throttled (throttle.ts), else record the attempt as a failure.
   * The caller checks the password after, and clears the record when it proves right
   * (`attemptSucceeded`), so guesses sent in parallel are each counted before any is checked.
   */
  reserve(email: string, clientAddress: string, now: Date): Promise<void>;
}

export const throttleStore = storeFor<ThrottleStore>((db) => ({
  async reserve(email, clientAddress, at) {
    const address = throttleKey(clientAddress);
    writeTx(db, (tx) => {
      const now = at.getTime();
      tx.delete(loginFailures).where(lt(loginFailures.at, new Date(now - LONGEST_WINDOW_MS))).run();
      const since = (ms: number) => gte(loginFailures.at, new Date(now - ms));
      const counted = (what: SQL, where: SQL | undefined): Counted => {
        const r = tx.select({ n: what.mapWith(Number), last: sql<number | null>`max(${loginFailures.at})` }).from(loginFailures).where(where).get();
        return { count: r?.n ?? 0, lastAt: r?.last ?? undefined };
      };
      const throttled = throttleFor({
        pair: counted(sql`count(*)`, and(eq(loginFailures.email, email), eq(loginFailures.address, address), since(PAIR_RULE.windowMs))),
        account: counted(sql`count(*)`, and(eq(loginFailures.email, email), since(ACCOUNT_RULE.windowMs))),
        address: counted(sql`count(distinct ${loginFailures.email})`, and(eq(loginFailures.address, address), since(ADDRESS_RULE.windowMs))),
        now,
        knownAddress: isKnownAddress(tx, email, address, now),
      });
      if (throttled) throw throttleRefusal(throttled);
      tx.insert(loginFailures).values({ email, address, at: new Date(now) }).run();
    });
  },
}));

const KNOWN_ADDRESS_MS = KNOWN_ADDRESS_DAYS * 86_400_000;

/** Whether the account signed in from this address (throttle key) within KNOWN_ADDRESS_DAYS. */
function isKnownAddress(tx: Tx, email: string, address: string, now: number): boolean {
  const where = and(eq(signInAddresses.email, email), eq(signInAddresses.address, address), gte(signInAddresses.lastAt, new Date(now - KNOWN_ADDRESS_MS)));
  return tx.select({ one: sql`1` }).from(signInAddresses).where(where).get() !== undefined;
}

/** For other stores, inside their write: the password was right, so the attempt was no failure, and this account and address start afresh. */
export function attemptSucceeded(tx: Tx, email: string, clientAddress: string): void {
  tx.delete(loginFailures).where(and(eq(loginFailures.email, email), eq(loginFailures.address, throttleKey(clientAddress)))).run();
}

/** For other stores, inside their write: a sign-in succeeded, so remember (or renew) the address for the account, and forget addresses unused for KNOWN_ADDRESS_DAYS. */
export function rememberSignInAddress(tx: Tx, email: string, clientAddress: string, now: Date): void {
  tx.delete(signInAddresses).where(lt(signInAddresses.lastAt, new Date(now.getTime() - KNOWN_ADDRESS_MS))).run();
  const address = throttleKey(clientAddress);
  if (address === "unknown") return; // no socket address: every such client would share it
  tx.insert(signInAddresses)
    .values({ email, address, lastAt: now })
    .onConflictDoUpdate({ target: [signInAddresses.email, signInAddresses.address], set: { lastAt: now } })
    .run();
}

/** For other stores, inside their write: forget an account's failed sign-ins from every address (admin unlock, a new password set by an admin). */
export function clearSignInThrottle(tx: Tx, email: string): number {
  return tx.delete(loginFailures).where(eq(loginFailures.email, email.trim().toLowerCase())).run().changes;
}
