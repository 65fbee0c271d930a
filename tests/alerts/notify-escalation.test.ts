// Escalation by text message through GOV.UK Notify (a local fake speaking its v2 API, the
// official client sending to it), with the fake clock: who is texted when, acknowledgement by
// reply, receipts, and what a text may say.
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { notifyBadAddresses, notifyInbound } from "../../src/lone-working/delivery/channels/notify/schema.js";
import { CALLBACK_TOKEN, notifySetup } from "./notify-setup.js";

type S = Awaited<ReturnType<typeof notifySetup>>;

/** A visit whose check-in is missed now; returns the alert once the sweep raised it. */
async function missed(s: S, address = "14 Acacia Avenue, Leeds LS1 4AB") {
  const v = (await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address }, expectedEnd: s.at(10) })).body;
  s.e.clock.advanceMinutes(10);
  await s.run();
  const a = s.e.deps.db.select().from(alerts).where(eq(alerts.visitId, v.id)).get();
  expect(a).toBeDefined();
  return a!;
}
const alertNow = (s: S, id: string) => s.e.deps.db.select().from(alerts).where(eq(alerts.id, id)).get()!;

describe("texts on the ladder", () => {
  it("a manager with no push subscription is texted at once at their step; the text has who, what, since when, the code and the link, and no address", async () => {
    const s = await notifySetup();
    const a = await missed(s);
    expect(s.textsTo(s.m1)).toHaveLength(0); // step 0 tells the worker, by push only (this ladder's step names no channels)
    s.e.clock.advanceMinutes(5);
    await s.run();
    const [t] = s.textsTo(s.m1);
    expect(t, "texted at the duty-manager step").toBeDefined();
    expect(t!.body).toMatch(/Missed check-in by Alex Worker since \d\d:\d\d\./);
    expect(t!.body).toMatch(/Reply ACK \d{4} to acknowledge\./);
    expect(t!.body).toContain(`/alerts/${a.id}`);
    expect(t!.body).not.toMatch(/Acacia|Leeds|LS1/);
    const row = s.rows(a.id).find((n) => n.channel === "sms" && n.staffId === s.m1.id)!;
    expect(row.status).toBe("sent");
  });

  it("a manager whose push shows no receipt is texted after smsAfterSeconds", async () => {
    const s = await notifySetup({ smsAfterSeconds: 90 });
    await s.subscribe(s.m1);
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    expect(s.push.to(s.m1.id)).toHaveLength(1);
    expect(s.textsTo(s.m1), "waits for the push to be seen").toHaveLength(0);
    s.e.clock.advance(89_000);
    await s.run();
    expect(s.textsTo(s.m1)).toHaveLength(0);
    s.e.clock.advance(1_000);
    await s.run();
    expect(s.textsTo(s.m1), "texted at smsAfterSeconds").toHaveLength(1);
    void a;
  });

  it("a manager whose push was shown within smsAfterSeconds is not texted: the waiting text is dropped", async () => {
    const s2 = await notifySetup({ smsAfterSeconds: 90 });
    await s2.subscribe(s2.m1);
    const b = await missed(s2);
    s2.e.clock.advanceMinutes(5);
    await s2.run();
    const pushed = s2.push.to(s2.m1.id)[0]!;
    expect((await s2.m1.client.post("/api/push/receipts", { notificationId: pushed.payload.notificationId })).status).toBeLessThan(300);
    s2.e.clock.advance(120_000);
    await s2.run();
    expect(s2.textsTo(s2.m1)).toHaveLength(0);
    expect(s2.rows(b.id).find((n) => n.channel === "sms")!.status).toBe("cancelled");
  });

  it("the consider-police step texts at once, push or not; consecutive texts to one phone never say the same", async () => {
    const s = await notifySetup();
    await s.subscribe(s.m1);
    await s.subscribe(s.senior);
    await missed(s);
    s.e.clock.advanceMinutes(30); // every step due: the police step fires (the earlier ones fold into it)
    await s.run();
    const police = s.textsTo(s.senior);
    expect(police.length).toBeGreaterThanOrEqual(1);
    expect(police.at(-1)!.body).toMatch(/^Consider police \(999\)/);
    s.e.clock.advanceMinutes(5); // it repeats
    await s.run();
    const again = s.textsTo(s.senior);
    expect(again.length).toBeGreaterThan(police.length);
    const bodies = again.map((t) => t.body);
    for (let i = 1; i < bodies.length; i++) expect(bodies[i]).not.toBe(bodies[i - 1]);
  });
});

describe("email", () => {
  it("a step that names email sends one to each person it tells, with the alert's title as its subject and the link", async () => {
    const s = await notifySetup({ steps: [{ afterSeconds: 0, notify: "worker" }, { afterSeconds: 300, notify: "duty_manager", channels: ["push", "email"] }, { afterSeconds: 900, notify: "all_managers", repeatEverySeconds: 300 }] });
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const mails = s.notify.sent.filter((m) => m.type === "email");
    expect(mails.map((m) => m.to)).toEqual([s.m1.email]);
    expect(mails[0]!.subject).toBe("Dutyline alert");
    expect(mails[0]!.body).toContain(`/alerts/${a.id}`);
    expect(s.textsTo(s.m1), "this step names no text").toHaveLength(0);
  });
});

describe("acknowledgement by text", () => {
  it("ACK <code> from the number it was texted to acknowledges as that person and stops every other send, queued texts too", async () => {
    const s = await notifySetup({ smsAfterSeconds: 120 });
    const m2 = await s.e.person({ roles: ["manager"], name: "Morgan Second" });
    await s.giveMobile(m2);
    await s.subscribe(s.m1); // m1's text waits on their push
    s.rota.managers = [s.m1.id, m2.id];
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const [t] = s.textsTo(m2);
    expect(t).toBeDefined();
    const code = s.codeIn(t!.body)!;
    // Case and spaces do not matter.
    const r = await s.notify.receiveText(s.mobileOf.get(m2.id)!, `  ack   ${code} `);
    expect(r.status).toBe(200);
    const now = alertNow(s, a.id);
    expect(now.status).toBe("acknowledged");
    expect(now.acknowledgedBy).toBe(m2.id);
    // m1's waiting text is cancelled; m2 is told by text that it worked; then nothing more goes.
    expect(s.rows(a.id).find((n) => n.channel === "sms" && n.staffId === s.m1.id)!.status).toBe("cancelled");
    await s.run();
    expect(s.textsTo(m2).at(-1)!.body).toMatch(/^Dutyline: you have acknowledged the alert about Alex Worker\. .* \(text \d+\)$/);
    expect(s.textsTo(s.m1)).toHaveLength(0);
    const before = s.notify.sent.length;
    s.e.clock.advanceMinutes(20);
    await s.run();
    expect(s.notify.sent.length).toBe(before);
    expect(s.textsTo(s.senior)).toHaveLength(0);
    // The same callback again (Notify retries) is acted on once.
    const [first] = s.e.deps.db.select().from(notifyInbound).all();
    const again = await fetch(`${s.base}/api/notify/callbacks/inbound`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${CALLBACK_TOKEN}` },
      body: JSON.stringify({ id: first!.notifyId, source_number: first!.sourceNumber, message: first!.message }),
    });
    expect(again.status).toBe(200);
    expect(s.e.deps.db.select().from(notifyInbound).all().map((i) => i.outcome)).toEqual(["acknowledged"]);
  });

  it("a second manager replying too late changes nothing and is told who has it", async () => {
    const s = await notifySetup();
    const m2 = await s.e.person({ roles: ["manager"], name: "Morgan Second" });
    await s.giveMobile(m2);
    s.rota.managers = [s.m1.id, m2.id];
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const c1 = s.codeIn(s.textsTo(s.m1)[0]!.body)!;
    const c2 = s.codeIn(s.textsTo(m2)[0]!.body)!;
    await s.notify.receiveText(s.mobileOf.get(m2.id)!, `ACK ${c2}`);
    await s.notify.receiveText(s.mobileOf.get(s.m1.id)!, `Ack ${c1}`);
    expect(alertNow(s, a.id).acknowledgedBy).toBe(m2.id);
    await s.run();
    expect(s.textsTo(s.m1).at(-1)!.body).toMatch(/already acknowledged by Morgan Second/);
    expect(s.e.deps.db.select().from(notifyInbound).all().map((i) => i.outcome).sort()).toEqual(["acknowledged", "already_acknowledged"]);
  });

  it("a wrong code, another number, or anything else does nothing but is kept", async () => {
    const s = await notifySetup();
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const code = s.codeIn(s.textsTo(s.m1)[0]!.body)!;
    const wrong = String(((Number(code) - 1000 + 1) % 9000) + 1000);
    await s.notify.receiveText(s.mobileOf.get(s.m1.id)!, `ACK ${wrong}`);
    await s.notify.receiveText(s.mobileOf.get(s.senior.id)!, `ACK ${code}`); // the senior was never texted this code
    await s.notify.receiveText(s.mobileOf.get(s.m1.id)!, "on my way");
    expect(alertNow(s, a.id).status).toBe("open");
    const kept = s.e.deps.db.select().from(notifyInbound).all();
    expect(kept.map((k) => k.outcome).sort()).toEqual(["not_a_command", "unknown_code", "unknown_code"]);
    expect(kept.map((k) => k.message)).toContain("on my way");
  });

  it("the worker cannot acknowledge their own alarm by text: their texts carry no code, and another's code from their phone does nothing", async () => {
    const s = await notifySetup({ steps: [{ afterSeconds: 0, notify: "worker", channels: ["push", "sms"] }, { afterSeconds: 300, notify: "duty_manager" }, { afterSeconds: 900, notify: "all_managers", repeatEverySeconds: 300 }] });
    const a = await missed(s);
    const [own] = s.textsTo(s.worker);
    expect(own, "the worker is texted to check in").toBeDefined();
    expect(own!.body).toMatch(/your check-in was due/);
    expect(own!.body).not.toMatch(/ACK/);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const code = s.codeIn(s.textsTo(s.m1)[0]!.body)!;
    await s.notify.receiveText(s.mobileOf.get(s.worker.id)!, `ACK ${code}`);
    expect(alertNow(s, a.id).status).toBe("open");
  });
});

describe("receipts", () => {
  it("delivered is recorded on the notification; a permanent failure marks the number bad and moves the ladder on at once", async () => {
    const s = await notifySetup();
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const [t] = s.textsTo(s.m1);
    // The duty manager has no push subscription and their text cannot be delivered: nobody is reached.
    expect(await s.notify.deliver(t!.id, "permanent-failure")).toBe(200);
    const row = s.rows(a.id).find((n) => n.channel === "sms" && n.staffId === s.m1.id)!;
    expect(row.status).toBe("failed");
    expect(row.receipt).toBe("permanent-failure");
    expect(s.e.deps.db.select().from(notifyBadAddresses).all().map((b) => b.address)).toEqual([s.mobileOf.get(s.m1.id)]);
    // Not at 15 minutes, nor after the receipt timeout: the next step fires on the next pass.
    await s.run();
    expect(alertNow(s, a.id).step).toBe(2);
    expect(s.textsTo(s.senior)).toHaveLength(1);
    // The bad number is not texted again.
    expect(s.textsTo(s.m1)).toHaveLength(1);

    // Delivered is recorded too.
    const [st] = s.textsTo(s.senior);
    await s.notify.deliver(st!.id, "delivered");
    expect(s.rows(a.id).find((n) => n.channel === "sms" && n.staffId === s.senior.id)!.status).toBe("delivered");
  });

  it("callbacks without the token are 401 and change nothing; bad bodies with it are 400 naming the field", async () => {
    const s = await notifySetup();
    const a = await missed(s);
    s.e.clock.advanceMinutes(5);
    await s.run();
    const [t] = s.textsTo(s.m1);
    const code = s.codeIn(t!.body)!;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${s.base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    for (const token of [undefined, "wrong-token-wrong-token", `${CALLBACK_TOKEN}x`]) {
      expect((await post("/api/notify/callbacks/status", { id: t!.id, reference: t!.reference, status: "permanent-failure" }, token)).status).toBe(401);
      expect((await post("/api/notify/callbacks/inbound", { id: "x1", source_number: s.mobileOf.get(s.m1.id)!.slice(1), message: `ACK ${code}` }, token)).status).toBe(401);
    }
    expect(s.e.deps.db.select().from(notifyBadAddresses).all()).toHaveLength(0);
    expect(s.e.deps.db.select().from(notifyInbound).all()).toHaveLength(0);
    expect(alertNow(s, a.id).status).toBe("open");
    const bad = await post("/api/notify/callbacks/status", { id: t!.id, status: "exploded" }, CALLBACK_TOKEN);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('"status"');
  });

  it("a malformed mobile number is 400 naming mobile", async () => {
    const s = await notifySetup();
    for (const mobile of ["12345", "+33 6 12 34 56 78", "0113 496 0000", "07700 90012"]) {
      const r = await s.m1.client.patch("/api/me", { mobile });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain("mobile");
    }
  });
});
