// Voiding and history for every kind of HR record, with who may do it.
import type { CurrentUser, Deps } from "../deps.js";
import { writeTx } from "../db/connection.js";
import { Forbidden, NotFound } from "../errors.js";
import { isHrOrAdmin, manages, sees, seesConfidential } from "./access.js";
import { getRecord, personOf, recordHistory, redact, voidRecord, type RecordKind, type RecordRow } from "./records.js";
import { actorFor } from "./people.js";

/** May this caller void (or correct) this record? */
function mayWrite(user: CurrentUser, kind: RecordKind, row: RecordRow, person: { id: string; teamId: string | null }): boolean {
  if (kind === "amhp-approvals") return isHrOrAdmin(user);
  if (kind === "supervisions" && row.recordedBy === user.id) return true;
  return manages(user, person);
}

function mayRead(user: CurrentUser, kind: RecordKind, row: RecordRow, person: { id: string; teamId: string | null }): boolean {
  if (kind === "supervisions" && (row.supervisorId === user.id || row.recordedBy === user.id)) return true;
  return sees(user, person);
}

export function voidHrRecord(deps: Deps, user: CurrentUser, kind: RecordKind, id: string, reason: string) {
  const now = deps.clock.now();
  return writeTx(deps.db, (tx) => {
    const row = getRecord(tx, kind, id);
    const person = row && personOf(tx, row.staffId);
    if (!row || !person || !mayRead(user, kind, row, person)) throw new NotFound("record");
    if (!mayWrite(user, kind, row, person)) throw new Forbidden("You may not void this record.");
    const after = voidRecord(tx, kind, row, reason, actorFor(user), now);
    return redact(kind, after, seesConfidential(user, person));
  });
}

export function hrRecordHistory(deps: Deps, user: CurrentUser, kind: RecordKind, id: string) {
  const row = getRecord(deps.db, kind, id);
  const person = row && personOf(deps.db, row.staffId);
  if (!row || !person || !mayRead(user, kind, row, person)) throw new NotFound("record");
  const confidential = seesConfidential(user, person);
  return recordHistory(deps.db, kind, row).map((v) => ({ ...v, data: redact(kind, v.data, confidential) }));
}
