// Occupational Health referrals: a person's list (writes go through the kernel, records.ts).
import { desc, eq, sql } from "drizzle-orm";
import { storeFor } from "../../db/store-kit.js";
import type { RecordRow } from "../records.js";
import { ohReferrals } from "../schema.js";

export type OhRow = typeof ohReferrals.$inferSelect & RecordRow;

export interface OhStore {
  /** A person's referrals, newest first. */
  listFor(staffId: string): Promise<OhRow[]>;
}

export const ohStore = storeFor<OhStore>((db) => {
  const byStaff = db.select().from(ohReferrals).where(eq(ohReferrals.staffId, sql.placeholder("staffId"))).orderBy(desc(ohReferrals.referredOn)).prepare();
  return {
    async listFor(staffId) {
      return byStaff.all({ staffId }) as OhRow[];
    },
  };
});
