// A recording push sender and a settable duty-manager rota for escalation tests.
import type { PushOutcome, PushPayload, PushSender } from "../../src/lone-working/delivery/channels/push/types.js";
import type { OnDutyFn } from "../../src/lone-working/escalation/targets.js";

export class RecordingPush implements PushSender {
  sent: { staffId: string; payload: PushPayload }[] = [];
  /** Staff with no subscription. */
  unreachable = new Set<string>();
  /** Staff whose push service fails (5xx past the sender's retries). */
  failing = new Set<string>();
  attempts: { staffId: string; payload: PushPayload }[] = [];
  async sendToStaff(staffId: string, payload: PushPayload): Promise<PushOutcome> {
    this.attempts.push({ staffId, payload });
    if (this.failing.has(staffId)) return { accepted: 0, failed: 1, removed: 0, noSubscription: false };
    if (this.unreachable.has(staffId)) return { accepted: 0, failed: 0, removed: 0, noSubscription: true };
    this.sent.push({ staffId, payload });
    return { accepted: 1, failed: 0, removed: 0, noSubscription: false };
  }
  to(staffId: string) {
    return this.sent.filter((s) => s.staffId === staffId);
  }
  clear() {
    this.sent = [];
  }
}

export function fakeRota(): { managers: string[]; onDutyAt: OnDutyFn } {
  const r = { managers: [] as string[], onDutyAt: (() => ({ managers: r.managers.map((id) => ({ id, name: id })) })) as OnDutyFn };
  return r;
}
