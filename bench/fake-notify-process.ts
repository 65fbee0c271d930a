// The fake GOV.UK Notify (tests/support/fake-notify.ts) in its own process for
// bench/dispatch.ts, as the push service is, so its own work (JWT checks, JSON, the
// HTTP server) does not share the event loop being measured. Started with fork(): it
// sends { ready: { url, apiKey, smsTemplateId, emailTemplateId } } once listening, and on
// the message "dump" sends back what it recorded ({ requests, sent }), then keeps running.
import { startFakeNotify } from "../tests/support/fake-notify.js";

const notify = await startFakeNotify();
process.on("message", (m) => {
  if (m !== "dump") return;
  process.send!({ requests: notify.requests, sent: notify.sent.map((s) => ({ reference: s.reference, at: s.at })) });
});
process.on("disconnect", () => void notify.close().then(() => process.exit(0)));
process.send!({ ready: { url: notify.url, apiKey: notify.apiKey, smsTemplateId: notify.smsTemplateId, emailTemplateId: notify.emailTemplateId } });
