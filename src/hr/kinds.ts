// The kinds of HR record the integrity kernel handles, and what it needs to know of
// each (pure: the tables behind them are in store/kinds.ts).

export const RECORD_KINDS = ["supervisions", "sickness", "oh-referrals", "return-to-work", "training", "amhp-approvals", "leave"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface KindInfo {
  /** Entity name in the audit chain. */
  entity: string;
  /** The field holding the record's effective date. */
  effective: string;
  /** Fields only HR/admin (and the person) may read. */
  confidential: readonly string[];
}

export const KIND_INFO: Record<RecordKind, KindInfo> = {
  supervisions: { entity: "supervision", effective: "heldOn", confidential: [] },
  sickness: { entity: "sickness_episode", effective: "firstDay", confidential: ["cause"] },
  "oh-referrals": { entity: "oh_referral", effective: "referredOn", confidential: ["reason"] },
  "return-to-work": { entity: "return_to_work", effective: "heldOn", confidential: ["notes"] },
  training: { entity: "training", effective: "date", confidential: [] },
  "amhp-approvals": { entity: "amhp_approval", effective: "validFrom", confidential: [] },
  leave: { entity: "leave", effective: "from", confidential: [] },
};
