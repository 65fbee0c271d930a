// Sign-in use cases that span the auth tables and a person's password: each one write
// transaction, writing each table through its owner (sessions-store, throttle-store,
// staff/store). The throttle, sessions and tokens themselves have their own stores.
import { writeTx } from "../db/connection.js";
import { storeFor } from "../db/store-kit.js";
import { appendAudit } from "../audit/store.js";
import { writePasswordHash } from "../staff/store.js";
import { endSessionsOf, startSession } from "./sessions-store.js";
import { attemptSucceeded, rememberSignInAddress } from "./throttle-store.js";

export interface SignIn {
  staffId: string;
  /** Normalised email, as the throttle counted it. */
  email: string;
  clientAddress: string;
  /** Digest of the new session's cookie value, and of the one it replaces (if the browser had one). */
  sessionId: string;
  replaces?: string;
  expiresAt: Date;
}

export interface SignInStore {
  /** The password proved right: the attempt was no failure, the address is remembered, a fresh session begins (audited). */
  signedIn(s: SignIn, now: Date): Promise<void>;
  /** A person changed their own password (the current one proved right): every other session of theirs ends (audited). */
  ownPasswordChanged(c: { staffId: string; email: string; clientAddress: string; passwordHash: string; keepSessionId?: string }, now: Date): Promise<void>;
}

export const signInStore = storeFor<SignInStore>((db) => ({
  async signedIn(s, now) {
    writeTx(db, (tx) => {
      attemptSucceeded(tx, s.email, s.clientAddress);
      rememberSignInAddress(tx, s.email, s.clientAddress, now);
      startSession(tx, { id: s.sessionId, staffId: s.staffId, now, expiresAt: s.expiresAt, replaces: s.replaces });
      appendAudit(tx, { type: "staff", id: s.staffId }, { action: "login", entity: "staff", entityId: s.staffId }, now);
    });
  },
  async ownPasswordChanged(c, now) {
    writeTx(db, (tx) => {
      attemptSucceeded(tx, c.email, c.clientAddress);
      writePasswordHash(tx, c.staffId, c.passwordHash);
      endSessionsOf(tx, c.staffId, c.keepSessionId ?? "");
      appendAudit(tx, { type: "staff", id: c.staffId }, { action: "change_own_password", entity: "staff", entityId: c.staffId }, now);
    });
  },
}));
