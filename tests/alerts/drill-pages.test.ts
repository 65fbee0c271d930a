// The pages for drills, test messages and the policy's channels, rendered by the server and
// posted as a browser with no JavaScript would (form bodies, POST → 303 → GET).
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ORIGIN } from "../helpers.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { escalationSetup, type Person } from "./setup.js";
import { notifySetup } from "./notify-setup.js";

type App = Awaited<ReturnType<typeof escalationSetup>>["e"]["app"];

async function form(app: App, who: Person, path: string, fields: [string, string][]) {
  const res = await app.request(path, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: ORIGIN, Cookie: who.client.cookie!, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}
const html = async (who: Person, path: string) => (await who.client.get(path)).text;

describe("/drills", () => {
  it("a manager picks one of their people and starts a drill; the list shows it with who started it and who was reached", async () => {
    const s = await escalationSetup();
    const lead = await s.e.person({ roles: ["manager"], team: "North", name: "Nina North" });
    const amhp = await s.e.person({ roles: ["amhp"], team: "North", name: "Nat Amhp" });
    await s.e.person({ roles: ["amhp"], team: "South", name: "Sol South" });
    const page = await html(lead, "/drills");
    expect(page).toContain("Start drill");
    expect(page).toMatch(/<label for="f-staffId">Person<\/label>/);
    expect(page).toContain(`value="${amhp.id}"`);
    expect(page).not.toContain("Sol South"); // another team's
    expect(page).toContain("No drills yet.");

    const blank = await form(s.e.app, lead, "/drills", [["staffId", ""]]);
    expect(blank.status).toBe(400);
    expect(blank.html).toContain("Choose the person to drill.");

    const started = await form(s.e.app, lead, "/drills", [["staffId", amhp.id]]);
    expect(started.status).toBe(303);
    const alertId = /started=([^&]+)/.exec(started.location!)![1]!;
    expect(s.e.deps.db.select().from(alerts).where(eq(alerts.id, alertId)).get()).toMatchObject({ drill: true, staffId: amhp.id });
    await s.run();
    const after = await html(lead, started.location!);
    expect(after).toContain("Drill started.");
    expect(after).toContain(`href="/alerts/${alertId}"`);
    expect(after).toMatch(/data-drill-id="[^"]+"[\s\S]*Nat Amhp[\s\S]*Nina North[\s\S]*Open: not yet acknowledged[\s\S]*Not acknowledged[\s\S]*Nat Amhp \(the person drilled\) — push sent, not yet shown/);

    // Someone else's person (posted by hand): refused beside Person, nothing raised.
    const south = await s.e.person({ roles: ["amhp"], team: "South" });
    const refused = await form(s.e.app, lead, "/drills", [["staffId", south.id]]);
    expect(refused.status).toBe(404);
    expect(refused.html).toContain("not someone you may drill");
    expect(s.e.deps.db.select().from(alerts).all()).toHaveLength(1);
    // Not a manager: the page says who it is for.
    const no = await amhp.client.get("/drills");
    expect(no.status).toBe(403);
    expect(no.text).toContain("Drills are for duty managers.");
  });

  it("the live board links to drills", async () => {
    const s = await escalationSetup();
    expect(await html(s.m1, "/board")).toContain('href="/drills"');
  });
});

describe("/me test messages", () => {
  it("Notify off: a test push says what to expect; the page says texts are off and a test text says why nothing was sent", async () => {
    const s = await escalationSetup();
    const page = await html(s.worker, "/me");
    expect(page).toContain("Send me a test push");
    expect(page).toContain("Send me a test text");
    expect(page).not.toContain("Send me a test email");
    expect(page).toContain("Text messages are not set up on this service yet");
    const pushed = await form(s.e.app, s.worker, "/me", [["_action", "test"], ["channel", "push"]]);
    expect(pushed.status).toBe(303);
    expect(pushed.location).toBe("/me?test=push:sent#test-messages");
    expect(s.push.to(s.worker.id)).toHaveLength(1);
    expect(await html(s.worker, pushed.location!)).toContain("Test push sent. It should appear on every phone or browser where you enabled alerts");
    const texted = await form(s.e.app, s.worker, "/me", [["_action", "test"], ["channel", "sms"]]);
    expect(texted.location).toBe("/me?test=sms:off#test-messages");
    expect(await html(s.worker, texted.location!)).toContain("Text messages are not set up on this service, so nothing was sent.");
    // The fourth push in 10 minutes is refused, and the page says so.
    await form(s.e.app, s.worker, "/me", [["_action", "test"], ["channel", "push"]]);
    await form(s.e.app, s.worker, "/me", [["_action", "test"], ["channel", "push"]]);
    const fourth = await form(s.e.app, s.worker, "/me", [["_action", "test"], ["channel", "push"]]);
    expect(fourth.status).toBe(429);
    expect(fourth.html).toContain("You have sent yourself 3 test messages by push in the last 10 minutes.");
  });

  it("Notify on: a test text goes to the number; email has its button", async () => {
    const s = await notifySetup();
    const page = await html(s.worker, "/me");
    expect(page).toContain("Send me a test email");
    expect(page).not.toContain("Text messages are not set up");
    const texted = await form(s.e.app, s.worker, "/me", [["_action", "test"], ["channel", "sms"]]);
    expect(texted.location).toBe("/me?test=sms:sent#test-messages");
    expect(s.textsTo(s.worker)).toHaveLength(1);
    expect(await html(s.worker, texted.location!)).toContain("Test text message sent. It should arrive within a few minutes.");
  });
});

describe("/admin/policy channels", () => {
  it("shows each step's channels and Text after, and saves them (none ticked: the default)", async () => {
    const s = await escalationSetup({ smsAfterSeconds: 45, steps: [
      { afterSeconds: 0, notify: "worker", channels: ["push", "sms"] },
      { afterSeconds: 300, notify: "duty_manager" },
      { afterSeconds: 1800, notify: "all_managers", repeatEverySeconds: 300, considerPolice: true, channels: ["push", "sms", "email"] },
    ] });
    const page = await html(s.admin, "/admin/policy");
    expect(page).toContain("Step 0: channels");
    expect(page).toContain("Step 2: channels");
    expect(page).toMatch(/<label for="f-smsAfterSeconds">Text after \(seconds\)<\/label>/);
    expect(page).toMatch(/id="f-smsAfterSeconds"[^>]*value="45"|value="45"[^>]*id="f-smsAfterSeconds"/);
    expect(page).toContain("Text messages are off and Email is off on this service");
    // The channel boxes sit inside the policy form, before its Save button.
    const formHtml = /<form method="post" action="\/admin\/policy" id="policy-form"[\s\S]*?<\/form>/.exec(page)![0];
    expect(formHtml.indexOf("Step 1: channels")).toBeGreaterThan(0);
    expect(formHtml.indexOf("Step 1: channels")).toBeLessThan(formHtml.lastIndexOf("Save policy"));

    const policy = (await s.admin.client.get("/api/escalation-policy")).body;
    const fields: [string, string][] = [["_action", "save"]];
    policy.steps.forEach((st: Record<string, unknown>, i: number) => {
      fields.push([`steps.${i}.afterSeconds`, String(st.afterSeconds)], [`steps.${i}.notify`, String(st.notify)], [`steps.${i}.repeatEverySeconds`, st.repeatEverySeconds ? String(st.repeatEverySeconds) : ""]);
      if (st.considerPolice) fields.push([`steps.${i}.considerPolice`, "true"]);
    });
    fields.push(["steps.0.channels", "push"], ["steps.2.channels", "sms"], ["steps.2.channels", "email"], ["panicStartsAtStep", "1"], ["receiptTimeoutSeconds", "60"], ["reminderAfterSeconds", "1800"], ["smsAfterSeconds", "120"], ["seniorStaffIds", s.senior.id]);
    const saved = await form(s.e.app, s.admin, "/admin/policy", fields);
    expect(saved.status).toBe(303);
    const now = (await s.admin.client.get("/api/escalation-policy")).body;
    expect(now.smsAfterSeconds).toBe(120);
    expect(now.steps.map((st: { channels?: string[] }) => st.channels)).toEqual([["push"], undefined, ["sms", "email"]]);

    // A bad Text after: beside the field, nothing saved.
    const bad = await form(s.e.app, s.admin, "/admin/policy", fields.map(([k, v]) => [k, k === "smsAfterSeconds" ? "99999" : v]));
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/id="f-smsAfterSeconds-error"[^>]*>\s*Must be 3600 or less/);
    expect((await s.admin.client.get("/api/escalation-policy")).body.smsAfterSeconds).toBe(120);
  });
});
