// POST /api/me/test-message: anyone signed in sends themselves a test push, text or email.
// A Notify channel that is off answers 200 with status "off" and a sentence saying why
// (nothing sent, nothing counted); each channel allows 3 tests in 10 minutes (then 429 with
// Retry-After); every test is audited with what it came to.
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { expectInvalid } from "../helpers.js";
import { auditLog } from "../../src/audit/schema.js";
import { escalationSetup } from "./setup.js";
import { notifySetup } from "./notify-setup.js";

const audits = (db: Awaited<ReturnType<typeof escalationSetup>>["e"]["deps"]["db"], id: string) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, id), eq(auditLog.entity, "staff")))
    .all()
    .filter((r) => r.action.startsWith("test_message"))
    .map((r) => ({ action: r.action, actor: r.actorId, ...JSON.parse(r.data) }));

describe("test messages, Notify off", () => {
  it("a test push goes to the caller's devices, is audited, and says what to expect", async () => {
    const { e, push, worker } = await escalationSetup();
    const r = await worker.client.post("/api/me/test-message", { channel: "push" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ channel: "push", status: "sent" });
    expect(r.body.detail).toMatch(/should appear/);
    expect(push.to(worker.id)).toHaveLength(1);
    expect(push.to(worker.id)[0]!.payload.title).toBe("Dutyline test");
    expect(audits(e.deps.db, worker.id)).toEqual([
      { action: "test_message", actor: worker.id, channel: "push" },
      { action: "test_message_result", actor: worker.id, channel: "push", status: "sent" },
    ]);
  });

  it("no push subscription says so", async () => {
    const { push, worker } = await escalationSetup();
    push.unreachable.add(worker.id);
    const r = await worker.client.post("/api/me/test-message", { channel: "push" });
    expect(r.body).toMatchObject({ channel: "push", status: "no_subscription" });
    expect(r.body.detail).toMatch(/Enable alerts/);
  });

  it("text and email are off without NOTIFY_API_KEY: 200, status off, why, nothing counted", async () => {
    const { e, worker } = await escalationSetup();
    for (let i = 0; i < 5; i++) {
      const r = await worker.client.post("/api/me/test-message", { channel: "sms" });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ channel: "sms", status: "off" });
      expect(r.body.detail).toMatch(/not set up.*NOTIFY_API_KEY/);
    }
    expect((await worker.client.post("/api/me/test-message", { channel: "email" })).body).toMatchObject({ status: "off" });
    expect(audits(e.deps.db, worker.id)).toEqual([]);
  });

  it("3 per channel per person in 10 minutes, then 429 with Retry-After; other channels and people are separate", async () => {
    const { e, push, worker, m1 } = await escalationSetup();
    for (let i = 0; i < 3; i++) expect((await worker.client.post("/api/me/test-message", { channel: "push" })).status).toBe(200);
    const refused = await worker.client.post("/api/me/test-message", { channel: "push" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(refused.headers.get("retry-after"))).toBe(600);
    expect(push.to(worker.id)).toHaveLength(3);
    expect((await m1.client.post("/api/me/test-message", { channel: "push" })).status).toBe(200);
    e.clock.advanceMinutes(4);
    expect(Number((await worker.client.post("/api/me/test-message", { channel: "push" })).headers.get("retry-after"))).toBe(360);
    e.clock.advanceMinutes(6); // the first test is now 10 minutes old
    expect((await worker.client.post("/api/me/test-message", { channel: "push" })).status).toBe(200);
    expect(push.to(worker.id)).toHaveLength(4);
  });

  it("needs a session and a known channel", async () => {
    const { e, worker } = await escalationSetup();
    expect((await e.anon.post("/api/me/test-message", { channel: "push" })).status).toBe(401);
    expectInvalid(await worker.client.post("/api/me/test-message", { channel: "pigeon" }), "channel");
    expectInvalid(await worker.client.post("/api/me/test-message", {}), "channel");
  });
});

describe("test messages, Notify on", () => {
  it("a test text goes to the caller's number through Notify and is recorded", async () => {
    const s = await notifySetup();
    const r = await s.worker.client.post("/api/me/test-message", { channel: "sms" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ channel: "sms", status: "sent" });
    expect(r.body.messageId).toBeTruthy();
    const [t] = s.textsTo(s.worker);
    expect(t!.body).toMatch(/^Dutyline test: if you can read this/);
    expect(s.messages().find((m) => m.id === r.body.messageId)).toMatchObject({ purpose: "test", status: "sent", staffId: s.worker.id });
    expect(audits(s.e.deps.db, s.worker.id).at(-1)).toMatchObject({ action: "test_message_result", channel: "sms", status: "sent" });
  });

  it("no mobile number recorded says so; the throttle counts texts", async () => {
    const s = await notifySetup();
    const nobody = await s.e.person({ roles: ["amhp"] });
    const r = await nobody.client.post("/api/me/test-message", { channel: "sms" });
    expect(r.body).toMatchObject({ channel: "sms", status: "no_address" });
    expect(r.body.detail).toMatch(/no mobile number/);
    for (let i = 0; i < 2; i++) expect((await s.worker.client.post("/api/me/test-message", { channel: "sms" })).status).toBe(200);
    expect((await s.worker.client.post("/api/me/test-message", { channel: "sms" })).status).toBe(200);
    expect((await s.worker.client.post("/api/me/test-message", { channel: "sms" })).status).toBe(429);
    expect(s.textsTo(s.worker)).toHaveLength(3);
  });
});
