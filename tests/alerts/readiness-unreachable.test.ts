// GET /api/readiness: managersUnreachable (managers on the manager-cover rota in the next 14
// days, and the senior list, whom no working channel reaches, each with a sentence saying
// why) and channels (which are on, and why not). managersWithoutPush stays as it was.
import { createECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escalationSetup, type Person } from "./setup.js";
import { notifySetup } from "./notify-setup.js";

type Setup = Awaited<ReturnType<typeof escalationSetup>>;

async function cover(s: Setup, p: Person, daysAhead: number) {
  const rota = (await s.admin.client.post("/api/rotas", { name: `Cover ${Math.random()}`, kind: "manager_cover" })).body.id;
  const start = new Date(s.e.clock.now().getTime() + daysAhead * 86_400_000);
  const r = await s.admin.client.post(`/api/rotas/${rota}/assignments`, { staffId: p.id, start: start.toISOString(), end: new Date(start.getTime() + 8 * 3_600_000).toISOString() });
  expect(r.status).toBe(201);
  return start.toISOString();
}

async function subscribe(p: Person) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const keys = { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
  const r = await p.client.post("/api/push/subscriptions", { endpoint: `https://fcm.googleapis.com/fcm/send/r-${p.id}`, keys });
  expect(r.status).toBe(201);
}

const byId = (list: { id: string }[]) => new Map(list.map((x) => [x.id, x]));

describe("readiness: managers nobody can reach", () => {
  it("Notify off: managers due on cover within 14 days and the senior list, without push, are unreachable, and say text is off", async () => {
    const s = await escalationSetup();
    const soon = await s.e.person({ roles: ["manager"], name: "Sam Soon", mobile: "07700900111" });
    const later = await s.e.person({ roles: ["manager"], name: "Lee Later" });
    const covered = await s.e.person({ roles: ["manager"], name: "Pat Pushed" });
    const soonAt = await cover(s, soon, 3);
    await cover(s, later, 20);
    await cover(s, covered, 1);
    await subscribe(covered);

    const r = await s.m1.client.get("/api/readiness");
    expect(r.status).toBe(200);
    expect(r.body.channels).toEqual({ push: true, sms: false, email: false, why: expect.stringMatching(/NOTIFY_API_KEY is not set/) });
    const u = byId(r.body.managersUnreachable);
    expect(u.get(soon.id)).toEqual({ id: soon.id, name: "Sam Soon", nextShift: soonAt, senior: false, why: "Text messages are off (NOTIFY_API_KEY not set) and no push subscription on any phone" });
    expect(u.get(s.senior.id)).toMatchObject({ nextShift: null, senior: true, why: expect.stringMatching(/^Text messages are off/) });
    expect(u.has(later.id), "cover more than 14 days ahead").toBe(false);
    expect(u.has(covered.id), "reached by push").toBe(false);
    expect(u.has(s.m1.id), "not on the cover rota, not senior").toBe(false);
    // managersWithoutPush is as it was: every manager without push, whatever their rota.
    const noPush = r.body.managersWithoutPush.map((p: { id: string }) => p.id);
    expect(noPush).toEqual(expect.arrayContaining([soon.id, later.id, s.m1.id, s.senior.id]));
    expect(noPush).not.toContain(covered.id);
  });

  it("Notify on: a mobile number reaches; no number, or one Notify refused for good, does not, and says so", async () => {
    const s = await notifySetup();
    const none = await s.e.person({ roles: ["manager"], name: "Nia Nonumber" });
    const bad = await s.e.person({ roles: ["manager"], name: "Bo Badnumber" });
    await cover(s, s.m1, 2); // has a mobile (the setup gave one): reached by text
    const noneAt = await cover(s, none, 5);
    await cover(s, bad, 6);
    const number = await s.giveMobile(bad);
    s.notify.outcomeFor(number, "permanent-failure");
    const t = await bad.client.post("/api/me/test-message", { channel: "sms" });
    expect(t.body.status).toBe("sent");
    const sent = s.notify.sent.find((m) => m.to === number)!;
    expect(await s.notify.deliver(sent.id)).toBe(200); // the receipt marks the number bad

    const r = await s.m1.client.get("/api/readiness");
    expect(r.body.channels).toEqual({ push: true, sms: true, email: true, why: null });
    const u = byId(r.body.managersUnreachable);
    expect(u.has(s.m1.id)).toBe(false);
    expect(u.has(s.senior.id), "the senior manager has a mobile").toBe(false);
    expect(u.get(none.id)).toMatchObject({ nextShift: noneAt, why: "No push subscription on any phone, and no mobile number recorded" });
    const local = `07700 ${number.slice(-6)}`;
    expect(u.get(bad.id)).toMatchObject({ why: `Notify could not deliver to ${local} (marked bad on 24 Nov): no working push either` });
  });

  it("only channels the ladder's manager steps use count: email when a step names it, never a text when none does", async () => {
    const steps = (channels: string[]) => [
      { afterSeconds: 0, notify: "worker" },
      { afterSeconds: 300, notify: "duty_manager", channels },
      { afterSeconds: 1800, notify: "all_managers", repeatEverySeconds: 300, considerPolice: true, channels },
    ];
    const s = await notifySetup({ steps: steps(["push", "email"]) });
    const none = await s.e.person({ roles: ["manager"], name: "Nia Nonumber" });
    await cover(s, none, 5);
    await cover(s, s.m1, 2);
    let u = byId((await s.m1.client.get("/api/readiness")).body.managersUnreachable);
    expect(u.has(none.id), "reached by email").toBe(false);
    expect(u.has(s.m1.id)).toBe(false);
    const policy = (await s.admin.client.get("/api/escalation-policy")).body;
    expect((await s.admin.client.put("/api/escalation-policy", { ...policy, steps: steps(["push"]) })).status).toBe(200);
    u = byId((await s.m1.client.get("/api/readiness")).body.managersUnreachable);
    expect(u.get(s.m1.id)).toMatchObject({ why: "No push subscription on any phone, and the escalation policy's manager steps send no texts" });
    expect(u.has(none.id)).toBe(true);
  });
});
