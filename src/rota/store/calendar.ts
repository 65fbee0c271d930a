// Calendar-feed tokens (only their digests are kept) and the feed's read.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/connection.js";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { staff } from "../../staff/schema.js";
import { calendarTokens } from "../schema.js";
import { readTx, shiftsOfPerson, type PersonShift } from "./tx.js";

export interface CalendarStore {
  /** The person's one live token becomes this digest (a new row, or the old one replaced); audited. */
  issue(tokenHash: string, actor: Actor & { type: "staff" }, now: Date): Promise<void>;
  /** Whose feed a digest opens, and their shifts overlapping [from, to); undefined for an unknown digest. */
  feed(tokenHash: string, from: Date, to: Date): Promise<{ staffId: string; name: string; active: boolean; shifts: PersonShift[] } | undefined>;
}

export const calendarStore = storeFor<CalendarStore>((db: Db) => ({
  async issue(tokenHash, actor, now) {
    writeTx(db, (tx) => {
      const existing = tx.select().from(calendarTokens).where(eq(calendarTokens.staffId, actor.id)).get();
      if (existing) tx.update(calendarTokens).set({ tokenHash, createdAt: now }).where(eq(calendarTokens.id, existing.id)).run();
      else tx.insert(calendarTokens).values({ staffId: actor.id, tokenHash, createdAt: now }).run();
      appendAudit(tx, actor, { action: existing ? "reissue" : "create", entity: "calendar_token", entityId: actor.id, data: {} }, now);
    });
  },

  async feed(tokenHash, from, to) {
    return readTx(db, (tx) => {
      const row = tx
        .select({ staffId: calendarTokens.staffId, name: staff.name, active: staff.active })
        .from(calendarTokens)
        .innerJoin(staff, eq(staff.id, calendarTokens.staffId))
        .where(eq(calendarTokens.tokenHash, tokenHash))
        .get();
      if (!row) return undefined;
      // An inactive owner's feed is refused above the store: no shifts are read for it.
      return { ...row, shifts: row.active ? shiftsOfPerson(tx, row.staffId, from, to) : [] };
    });
  },
}));
