// Voiding and history for every kind of HR record, with who may do it.
import type { CurrentUser, Deps } from "../deps.js";
import { Forbidden, NotFound } from "../errors.js";
import { isHrOrAdmin, manages, sees, seesConfidential } from "./access.js";
import type { RecordKind } from "./kinds.js";
import { redact, type RecordRow } from "./records.js";
import { actorFor } from "./people.js";
import { recordsStore } from "./store/records.js";

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

export async function voidHrRecord(deps: Deps, user: CurrentUser, kind: RecordKind, id: string, reason: string) {
  const { row, person } = await recordsStore(deps.db).void(
    kind,
    id,
    reason,
    (row, person) => {
      if (!mayRead(user, kind, row, person)) throw new NotFound("record");
      if (!mayWrite(user, kind, row, person)) throw new Forbidden("You may not void this record.");
    },
    actorFor(user),
    deps.clock.now(),
  );
  return redact(kind, row, seesConfidential(user, person));
}

export async function hrRecordHistory(deps: Deps, user: CurrentUser, kind: RecordKind, id: string) {
  const { person, entries } = await recordsStore(deps.db).history(kind, id, (row, person) => {
    if (!mayRead(user, kind, row, person)) throw new NotFound("record");
  });
  const confidential = seesConfidential(user, person);
  return entries.map((v) => ({ ...v, data: redact(kind, v.data, confidential) }));
}
