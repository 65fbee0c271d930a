// The fake Notify, driven by the official client directly: what it checks, what it answers,
// and the callbacks it posts. What the client's errors look like is pinned here too, since
// the sender (channels/notify/client.ts) reads them.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import axios, { isAxiosError } from "axios";
import { SignJWT } from "jose";
import { NotifyClient } from "notifications-node-client";
import { startFakeNotify, type FakeNotify } from "../support/fake-notify.js";

let notify: FakeNotify;
let client: NotifyClient;

/** What a failed call rejected with: the status, Notify's body and headers, or axios's code when there was no answer. */
async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (!isAxiosError(e)) throw e;
    return { status: e.response?.status, data: e.response?.data, headers: e.response?.headers, code: e.code };
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  notify = await startFakeNotify();
  client = new NotifyClient(notify.url, notify.apiKey);
});
afterAll(() => notify.close());

describe("sending", () => {
  it("answers a text message as Notify does and records it", async () => {
    const r = await client.sendSms(notify.smsTemplateId, "07700 900123", { personalisation: { body: "Check in with Sam" }, reference: "ref-1" });
    expect(r.status).toBe(201);
    expect(r.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      reference: "ref-1",
      content: { body: "Check in with Sam", from_number: "GOVUK" },
      uri: `${notify.url}/v2/notifications/${r.data.id}`,
      template: { id: notify.smsTemplateId, version: 1, uri: expect.stringContaining(notify.smsTemplateId) },
    });
    const m = notify.sent.find((s) => s.id === r.data.id)!;
    expect(m).toMatchObject({ type: "sms", to: "07700 900123", templateId: notify.smsTemplateId, personalisation: { body: "Check in with Sam" }, reference: "ref-1", body: "Check in with Sam" });
    expect(m.at).toBeGreaterThan(Date.now() - 5_000);
  });

  it("answers an email with its subject rendered", async () => {
    const r = await client.sendEmail(notify.emailTemplateId, "sam@example.gov.uk", { personalisation: { subject: "Missed check-in", body: "Sam missed one" }, reference: "ref-2" });
    expect(r.status).toBe(201);
    expect(r.data.content).toEqual({ subject: "Missed check-in", body: "Sam missed one", from_email: expect.stringContaining("@"), one_click_unsubscribe_url: null });
    expect(r.data.reference).toBe("ref-2");
    expect(notify.sent.at(-1)).toMatchObject({ type: "email", to: "sam@example.gov.uk", subject: "Missed check-in", body: "Sam missed one" });
  });

  it("takes a UK mobile in each way people write one", async () => {
    for (const n of ["07700900123", "+447700900123", "447700900123", "+44 7700 900 123", "07700-900-123"]) {
      const r = await client.sendSms(notify.smsTemplateId, n, { personalisation: { body: "x" } });
      expect(r.status, n).toBe(201);
    }
  });

  it("refuses as Notify does: a number that is not a UK mobile, a missing placeholder, an unknown template, a bad email", async () => {
    const before = notify.sent.length;
    expect(await failure(client.sendSms(notify.smsTemplateId, "01632 960001", { personalisation: { body: "x" } }))).toMatchObject({
      status: 400,
      data: { status_code: 400, errors: [{ error: "ValidationError", message: "phone_number Not a UK mobile number" }] },
    });
    expect((await failure(client.sendSms(notify.smsTemplateId, "07700 90012", { personalisation: { body: "x" } }))).data.errors[0].message).toBe("phone_number Not enough digits");
    expect(await failure(client.sendSms(notify.smsTemplateId, "07700900123", { personalisation: { text: "x" } }))).toMatchObject({
      status: 400,
      data: { errors: [{ error: "BadRequestError", message: "Missing personalisation: body" }] },
    });
    expect((await failure(client.sendEmail(notify.emailTemplateId, "a@example.com", { personalisation: { body: "x" } }))).data.errors[0].message).toBe("Missing personalisation: subject");
    expect(await failure(client.sendSms(randomUUID(), "07700900123", { personalisation: { body: "x" } }))).toMatchObject({
      status: 400,
      data: { errors: [{ error: "BadRequestError", message: "Template not found" }] },
    });
    expect((await failure(client.sendSms(notify.emailTemplateId, "07700900123", { personalisation: { body: "x" } }))).data.errors[0].message).toBe("email template is not suitable for sms notification");
    expect((await failure(client.sendEmail(notify.emailTemplateId, "not-an-address", { personalisation: { subject: "s", body: "x" } }))).data.errors[0]).toEqual({
      error: "ValidationError",
      message: "email_address Not a valid email address",
    });
    expect(notify.sent.length).toBe(before);
  });
});

describe("the API key's JWT", () => {
  const secretOf = (key: string) => key.slice(-36);

  it("refuses a token signed with another secret", async () => {
    const wrong = `${notify.apiKey.slice(0, -36)}${randomUUID()}`;
    expect(await failure(new NotifyClient(notify.url, wrong).sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" } }))).toMatchObject({
      status: 403,
      data: { status_code: 403, errors: [{ error: "AuthError", message: "Invalid token: signature, api token not found" }] },
    });
  });

  it("refuses a token whose iss is another service", async () => {
    const other = `dutyline_test-${randomUUID()}-${secretOf(notify.apiKey)}`;
    expect(await failure(new NotifyClient(notify.url, other).sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" } }))).toMatchObject({
      status: 403,
      data: { errors: [{ error: "AuthError", message: "Invalid token: service not found" }] },
    });
  });

  const post = (token: string | undefined) =>
    failure(
      axios.post(
        `${notify.url}/v2/notifications/sms`,
        { phone_number: "07700900123", template_id: notify.smsTemplateId, personalisation: { body: "x" } },
        { headers: token === undefined ? {} : { authorization: token } },
      ),
    );
  const sign = (iat: number, iss = notify.serviceId) =>
    new SignJWT({ iss, iat }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secretOf(notify.apiKey)));

  it("refuses an iat more than 30 s from now, either way, and takes one within it", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 60, now + 60]) {
      expect(await post(`Bearer ${await sign(iat)}`)).toMatchObject({
        status: 403,
        data: { errors: [{ error: "AuthError", message: "Error: Your system clock must be accurate to within 30 seconds" }] },
      });
    }
    const ok = await axios.post(
      `${notify.url}/v2/notifications/sms`,
      { phone_number: "07700900123", template_id: notify.smsTemplateId, personalisation: { body: "x" } },
      { headers: { authorization: `Bearer ${await sign(now - 20)}` } },
    );
    expect(ok.status).toBe(201);
  });

  it("refuses no token, another scheme, a token that is not a JWT, and one without iss", async () => {
    expect(await post(undefined)).toMatchObject({ status: 401, data: { errors: [{ error: "AuthError", message: "Unauthorized, authentication token must be provided" }] } });
    expect(await post(`Basic ${secretOf(notify.apiKey)}`)).toMatchObject({ status: 401, data: { errors: [{ message: "Unauthorized, authentication bearer scheme must be used" }] } });
    expect(await post("Bearer not-a-jwt")).toMatchObject({ status: 403, data: { errors: [{ message: "Invalid token: signature, api token is not valid" }] } });
    const noIss = await new SignJWT({ iat: Math.floor(Date.now() / 1000) }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secretOf(notify.apiKey)));
    expect(await post(`Bearer ${noIss}`)).toMatchObject({ status: 403, data: { errors: [{ message: "Invalid token: iss field not provided" }] } });
  });

  it("records refused requests too, with when they arrived", async () => {
    const from = notify.requests.length;
    const t = Date.now();
    await post(undefined);
    const r = notify.requests.slice(from);
    expect(r).toEqual([{ at: expect.any(Number), method: "POST", path: "/v2/notifications/sms", status: 401, to: "07700900123", error: "AuthError: Unauthorized, authentication token must be provided" }]);
    expect(r[0]!.at).toBeGreaterThanOrEqual(t);
  });
});

describe("faults on demand", () => {
  it("answers the next N sends with 500, then normally again", async () => {
    notify.failNext(500, 2);
    for (let i = 0; i < 2; i++) {
      expect(await failure(client.sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" } }))).toMatchObject({
        status: 500,
        data: { status_code: 500, errors: [{ error: "Exception", message: "Internal server error" }] },
      });
    }
    expect((await client.sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" } })).status).toBe(201);
  });

  it("answers 429 with Notify's rate-limit error (and Retry-After if asked), only for the number given", async () => {
    notify.failNext(429, 1, { to: "+447700900999", retryAfter: 7 });
    expect((await client.sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" } })).status).toBe(201);
    const f = await failure(client.sendSms(notify.smsTemplateId, "07700 900999", { personalisation: { body: "x" } }));
    expect(f).toMatchObject({
      status: 429,
      data: { status_code: 429, errors: [{ error: "RateLimitError", message: "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds" }] },
    });
    expect(f.headers?.["retry-after"]).toBe("7");
    expect((await client.sendSms(notify.smsTemplateId, "07700900999", { personalisation: { body: "x" } })).status).toBe(201);
  });

  it("answers 400 when told to", async () => {
    notify.failNext(400);
    expect(await failure(client.sendEmail(notify.emailTemplateId, "a@example.com", { personalisation: { subject: "s", body: "b" } }))).toMatchObject({
      status: 400,
      data: { errors: [{ error: "BadRequestError" }] },
    });
  });

  it("never answers a hung send: the client's own timeout is what ends it (axios says ECONNABORTED, no response)", async () => {
    notify.hangNext();
    const c = new NotifyClient(notify.url, notify.apiKey);
    c.setClient(axios.create({ timeout: 200 }) as unknown as Parameters<NotifyClient["setClient"]>[0]);
    const t = Date.now();
    const f = await failure(c.sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" } }));
    expect(f).toEqual({ status: undefined, data: undefined, headers: undefined, code: "ECONNABORTED" });
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(notify.requests.at(-1)!.status).toBe("hang");
  });
});

describe("callbacks", () => {
  let server: Server;
  let base: string;
  const got: Array<{ path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  let answer = 204;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        got.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    notify.setCallbacks({ statusUrl: `${base}/notify/status`, inboundUrl: `${base}/notify/inbound`, token: "callback-token-0123456789" });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => {
    got.length = 0;
    answer = 204;
  });
  const stampRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

  it("posts a delivery receipt with the bearer token, shaped as Notify's", async () => {
    const r = await client.sendSms(notify.smsTemplateId, "07700900123", { personalisation: { body: "x" }, reference: "row-7" });
    expect(await notify.deliver(r.data.id)).toBe(204);
    expect(got).toHaveLength(1);
    expect(got[0]!.path).toBe("/notify/status");
    expect(got[0]!.headers.authorization).toBe("Bearer callback-token-0123456789");
    expect(got[0]!.body).toEqual({
      id: r.data.id,
      reference: "row-7",
      to: "07700900123",
      status: "delivered",
      created_at: expect.stringMatching(stampRe),
      completed_at: expect.stringMatching(stampRe),
      sent_at: expect.stringMatching(stampRe),
      notification_type: "sms",
      template_id: notify.smsTemplateId,
      template_version: 1,
    });
    expect(notify.callbacks.at(-1)).toMatchObject({ kind: "status", status: 204 });
  });

  it("uses an address's configured outcome, and an explicit status over it", async () => {
    notify.outcomeFor("+44 7700 900666", "permanent-failure");
    notify.outcomeFor("gone@example.com", "temporary-failure");
    const a = await client.sendSms(notify.smsTemplateId, "07700900666", { personalisation: { body: "x" } });
    const b = await client.sendEmail(notify.emailTemplateId, "Gone@example.com", { personalisation: { subject: "s", body: "x" } });
    await notify.deliver(a.data.id);
    await notify.deliver(b.data.id);
    await notify.deliver(a.data.id, "technical-failure");
    expect(got.map((g) => [g.body.status, g.body.notification_type, g.body.reference])).toEqual([
      ["permanent-failure", "sms", null],
      ["temporary-failure", "email", null],
      ["technical-failure", "sms", null],
    ]);
  });

  it("posts a received text as Notify does: source_number 447… without '+'", async () => {
    answer = 200;
    const r = await notify.receiveText("+44 7700 900123", "ACK 4821");
    expect(r.status).toBe(200);
    expect(got[0]!.path).toBe("/notify/inbound");
    expect(got[0]!.headers.authorization).toBe("Bearer callback-token-0123456789");
    expect(got[0]!.body).toEqual({ id: r.id, source_number: "447700900123", destination_number: "07700900000", message: "ACK 4821", date_received: expect.stringMatching(stampRe) });
  });

  it("reports what the service answered, even a refusal", async () => {
    answer = 401;
    expect((await notify.receiveText("07700900123", "hi")).status).toBe(401);
  });

  it("autoDeliver posts each accepted send's receipt by itself", async () => {
    const auto = await startFakeNotify({ autoDeliver: 1 });
    try {
      auto.setCallbacks({ statusUrl: `${base}/auto`, token: "t".repeat(20) });
      auto.outcomeFor("07700900555", "permanent-failure");
      const c = new NotifyClient(auto.url, auto.apiKey);
      await c.sendSms(auto.smsTemplateId, "07700900123", { personalisation: { body: "x" }, reference: "a" });
      await c.sendSms(auto.smsTemplateId, "07700900555", { personalisation: { body: "x" }, reference: "b" });
      await expect.poll(() => got.length, { timeout: 2_000 }).toBe(2);
      expect(got.map((g) => [g.body.reference, g.body.status]).sort()).toEqual([
        ["a", "delivered"],
        ["b", "permanent-failure"],
      ]);
    } finally {
      await auto.close();
    }
  });
});
