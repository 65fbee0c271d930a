// Records against the audit chain. The chain proves what was written; records-replay.ts
// replays it, and this compares the result with the rows as they are now — HR
// records, staff, teams, and the versions record_versions kept of corrected records.
// A row edited straight in the database file (a changed cause, a moved date, an added
// role), a row added outside the service, or one deleted, shows as a mismatch naming
// the entity, the id and the field — never the values, which may be confidential.
//
// The comparing is records-compare.ts (pure); the reading is records-store.ts.
import type { Db } from "../db/connection.js";
import type { Checkpoint, VerifyResult } from "./chain.js";
import type { Mismatch, RecordsCheck } from "./records-compare.js";
import { auditStore, verifyChain } from "./store.js";
import { checkRecords, maxSeq, recordsStore } from "./records-store.js";

export { STAFF_AUDITED_FIELDS, auditedStaff } from "./records-replay.js";
export { MAX_LISTED, type Mismatch, type RecordsCheck } from "./records-compare.js";
export { checkRecords } from "./records-store.js";

export interface FullVerifyResult extends VerifyResult {
  records: { checked: number; mismatchCount: number };
  mismatches: Mismatch[];
}

function merge(chain: VerifyResult, records: RecordsCheck): FullVerifyResult {
  const ok = chain.ok && records.mismatchCount === 0;
  const problem = chain.problem ?? (records.mismatchCount ? `${records.mismatchCount} record field(s) differ from what the audit chain says was written` : undefined);
  return { ...chain, ok, ...(problem ? { problem } : {}), records: { checked: records.checked, mismatchCount: records.mismatchCount }, mismatches: records.mismatches };
}

/** The chain (verifyChain), then every record row against it, in one go (tests). */
export function verifyAuditAndRecords(db: Db, checkpoint?: Checkpoint): FullVerifyResult {
  const chain = verifyChain(db, checkpoint);
  return merge(chain, checkRecords(db, chain.head?.seq ?? maxSeq(db)));
}

/** The same, giving the event loop a turn between pages (the API's and the CLI's path). */
export async function verifyAuditAndRecordsAsync(db: Db, checkpoint?: Checkpoint): Promise<FullVerifyResult> {
  const chain = await auditStore(db).verify(checkpoint);
  const records = recordsStore(db);
  return merge(chain, await records.check(chain.head?.seq ?? (await records.maxSeq())));
}
