// Bearer tokens for scripts: only this file reads or writes api_tokens. Only a token's
// SHA-256 is stored; callers pass the digest, never the secret.
import { desc, eq, sql } from "drizzle-orm";
import { writeTx, type Db } from "../db/connection.js";
import { storeFor } from "../db/store-kit.js";
import type { Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import { NotFound } from "../errors.js";
import { staff, type StaffRow } from "../staff/schema.js";
import { apiTokens } from "./schema.js";

export type ApiTokenRow = typeof apiTokens.$inferSelect;
/** A token as listed: everything but its digest. */
export type ApiTokenListed = Omit<ApiTokenRow, "tokenHash">;

export interface NewApiToken {
  tokenHash: string;
  staffId: string;
  name: string;
  expiresAt: Date;
  readOnly: boolean;
}

export interface TokensStore {
  /** The token with this digest and its holder, whatever its state (revoked, expired, holder inactive). */
  byHash(tokenHash: string): Promise<{ token: ApiTokenRow; holder: StaffRow } | undefined>;
  /** Every token, newest first. */
  list(): Promise<ApiTokenListed[]>;
  /** Store a new token (audited); its id. */
  create(token: NewApiToken, actor: Actor, now: Date): Promise<string>;
  /** Revoke a token: it stops working at once; the row stays as a record. Revoking a revoked one does nothing. */
  revoke(id: string, actor: Actor, now: Date): Promise<void>;
}

export const tokensStore = storeFor<TokensStore>((db) => {
  // Every bearer request looks its token up: prepared once per connection.
  const byHash = db
    .select({ token: apiTokens, holder: staff })
    .from(apiTokens)
    .innerJoin(staff, eq(staff.id, apiTokens.staffId))
    .where(eq(apiTokens.tokenHash, sql.placeholder("hash")))
    .prepare();
  return {
    async byHash(tokenHash) {
      return byHash.get({ hash: tokenHash });
    },
    async list() {
      return db
        .select({
          id: apiTokens.id,
          staffId: apiTokens.staffId,
          name: apiTokens.name,
          createdAt: apiTokens.createdAt,
          createdBy: apiTokens.createdBy,
          revokedAt: apiTokens.revokedAt,
          expiresAt: apiTokens.expiresAt,
          readOnly: apiTokens.readOnly,
        })
        .from(apiTokens)
        .orderBy(desc(apiTokens.createdAt))
        .all();
    },
    async create(token, actor, now) {
      return writeTx(db, (tx) => {
        const row = tx
          .insert(apiTokens)
          .values({ ...token, createdAt: now, createdBy: actor.type === "staff" ? actor.id : actor.job })
          .returning({ id: apiTokens.id })
          .get();
        appendAudit(
          tx,
          actor,
          { action: "create", entity: "api_token", entityId: row.id, data: { staffId: token.staffId, name: token.name, expiresAt: token.expiresAt.toISOString(), readOnly: token.readOnly } },
          now,
        );
        return row.id;
      });
    },
    async revoke(id, actor, now) {
      writeTx(db, (tx) => {
        const row = tx.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
        if (!row) throw new NotFound("API token");
        if (row.revokedAt) return;
        tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).run();
        appendAudit(tx, actor, { action: "revoke", entity: "api_token", entityId: id, data: { staffId: row.staffId, name: row.name } }, now);
      });
    },
  };
});

