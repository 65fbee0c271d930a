// The Notify sender against the fake Notify: results, retries, refusals, timeouts, 429s and
// pacing. Time is injected (now/sleep) so nothing waits for real except the network and one
// short real request timeout (200 ms).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createNotifySender, type NotifySenderOptions } from "../../src/lone-working/delivery/channels/notify/client.js";
import { startFakeNotify, type FakeNotify } from "../support/fake-notify.js";

let notify: FakeNotify;
beforeAll(async () => {
  notify = await startFakeNotify();
});
afterAll(() => notify.close());

const PHONE = "07700900123";
const BODY = "Sam Jones missed a check-in at 14:05";

function harness(over: Partial<NotifySenderOptions> = {}) {
  let t = 1_000_000;
  const waits: number[] = [];
  const starts: Array<{ reference: string; attempt: number; at: number }> = [];
  const log = { warn: vi.fn(), error: vi.fn() };
  const from = notify.requests.length;
  const sender = createNotifySender({
    apiKey: notify.apiKey,
    baseUrl: notify.url,
    smsTemplateId: notify.smsTemplateId,
    emailTemplateId: notify.emailTemplateId,
    log: log as unknown as NotifySenderOptions["log"],
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
    random: () => 0.5,
    onRequest: (i) => starts.push({ reference: i.reference, attempt: i.attempt, at: i.at }),
    ...over,
  });
  return {
    sender,
    waits,
    starts,
    log,
    t0: 1_000_000,
    now: () => t,
    /** Requests the fake saw since this harness was made. */
    requests: () => notify.requests.slice(from),
    /** Everything logged, as text. */
    logged: () => JSON.stringify([...log.warn.mock.calls, ...log.error.mock.calls]),
  };
}

describe("createNotifySender", () => {
  beforeEach(() => {
    // A fault a test left unused must not leak into the next.
    notify.clearFaults();
  });

  it("sends a text with personalisation { body } and returns Notify's id", async () => {
    const h = harness();
    const r = await h.sender.sendSms(PHONE, BODY, "row-1");
    const m = notify.sent.at(-1)!;
    expect(r).toEqual({ ok: true, notifyId: m.id });
    expect(m).toMatchObject({ type: "sms", to: PHONE, templateId: notify.smsTemplateId, personalisation: { body: BODY }, reference: "row-1", body: BODY });
    expect(h.waits).toEqual([]);
  });

  it("sends an email with personalisation { subject, body }", async () => {
    const h = harness();
    const r = await h.sender.sendEmail("sam@example.gov.uk", "Missed check-in", BODY, "row-2");
    const m = notify.sent.at(-1)!;
    expect(r).toEqual({ ok: true, notifyId: m.id });
    expect(m).toMatchObject({ type: "email", personalisation: { subject: "Missed check-in", body: BODY }, subject: "Missed check-in", reference: "row-2" });
  });

  it("retries a 500 after a backoff, and succeeds", async () => {
    const h = harness();
    notify.failNext(500);
    const r = await h.sender.sendSms(PHONE, BODY, "row-3");
    expect(r.ok).toBe(true);
    expect(h.requests().map((q) => q.status)).toEqual([500, 201]);
    expect(h.waits).toEqual([250]);
    expect(h.starts.map((s) => s.attempt)).toEqual([1, 2]);
    expect(h.log.warn).toHaveBeenCalledWith(expect.objectContaining({ reference: "row-3", status: 500, error: "Exception", attempt: 1 }), "notify send failed: will retry");
  });

  it("gives up after maxAttempts of 5xx: unavailable, with Notify's error", async () => {
    const h = harness({ maxAttempts: 3 });
    notify.failNext(500, 3);
    const r = await h.sender.sendSms(PHONE, BODY, "row-4");
    expect(r).toEqual({ ok: false, reason: "unavailable", status: 500, error: "Exception: Internal server error" });
    expect(h.requests()).toHaveLength(3);
    expect(h.waits).toEqual([250, 1000]);
    expect(h.log.error).toHaveBeenCalledTimes(1);
  });

  it("a send that gets no answer times out (timeoutMs) and is retried", async () => {
    const h = harness({ timeoutMs: 200 });
    notify.hangNext();
    const t = Date.now();
    const r = await h.sender.sendSms(PHONE, BODY, "row-5");
    expect(r.ok).toBe(true);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(h.requests().map((q) => q.status)).toEqual(["hang", 201]);
    expect(h.log.warn).toHaveBeenCalledWith(expect.objectContaining({ status: 0, error: "timeout" }), expect.any(String));
  });

  it("reports a timeout on every attempt as unavailable, status 0", async () => {
    const h = harness({ timeoutMs: 200, maxAttempts: 2 });
    notify.hangNext(2);
    expect(await h.sender.sendSms(PHONE, BODY, "row-6")).toEqual({ ok: false, reason: "unavailable", status: 0, error: "timeout: no answer within 200 ms" });
  });

  it("never retries a 400: refused, with Notify's error", async () => {
    const h = harness();
    notify.failNext(400);
    const r = await h.sender.sendSms(PHONE, BODY, "row-7");
    expect(r).toEqual({ ok: false, reason: "refused", status: 400, error: "BadRequestError: Can't send to this recipient using a team-only API key" });
    expect(h.requests()).toHaveLength(1);
    expect(h.waits).toEqual([]);
  });

  it("refuses a number Notify will not take, and a bad key, without retrying", async () => {
    const h = harness();
    expect(await h.sender.sendSms("01632 960001", BODY, "row-8")).toEqual({ ok: false, reason: "refused", status: 400, error: "ValidationError: phone_number Not a UK mobile number" });
    const bad = harness({ apiKey: `${notify.apiKey.slice(0, -36)}00000000-0000-4000-8000-000000000000` });
    expect(await bad.sender.sendSms(PHONE, BODY, "row-9")).toEqual({ ok: false, reason: "refused", status: 403, error: "AuthError: Invalid token: signature, api token not found" });
    expect(bad.requests()).toHaveLength(1);
  });

  it("refuses at once when the template for that kind is not configured", async () => {
    const h = harness({ emailTemplateId: undefined });
    expect(await h.sender.sendEmail("a@example.com", "s", "b", "row-10")).toEqual({ ok: false, reason: "refused", status: 0, error: "no email template configured" });
    expect(h.requests()).toHaveLength(0);
  });

  it("honours a 429's Retry-After, and the pause holds every send of the sender", async () => {
    notify.failNext(429, 1, { retryAfter: 7 });
    let second: Promise<unknown> | undefined;
    const h = harness({
      sleep: async (ms) => {
        // While the first send waits out the 429, a second send is started.
        second ??= h.sender.sendSms("07700900124", BODY, "row-12");
        h.waits.push(ms);
        clock += ms;
      },
      now: () => clock,
    });
    let clock = h.t0;
    const first = await h.sender.sendSms(PHONE, BODY, "row-11");
    expect(first.ok).toBe(true);
    expect(await second).toMatchObject({ ok: true });
    expect(h.waits).toEqual([7_000]);
    expect(h.starts).toEqual([
      { reference: "row-11", attempt: 1, at: h.t0 },
      { reference: "row-11", attempt: 2, at: h.t0 + 7_000 },
      { reference: "row-12", attempt: 1, at: h.t0 + 7_000 },
    ]);
    expect(h.log.warn).toHaveBeenCalledWith(expect.objectContaining({ status: 429, error: "RateLimitError" }), expect.any(String));
  });

  it("backs off after a 429 without Retry-After, and reports 429 on the last attempt as unavailable", async () => {
    const h = harness({ maxAttempts: 3 });
    notify.failNext(429, 3);
    const r = await h.sender.sendSms(PHONE, BODY, "row-13");
    expect(r).toEqual({ ok: false, reason: "unavailable", status: 429, error: "RateLimitError: Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds" });
    expect(h.starts.map((s) => s.at - h.t0)).toEqual([0, 250, 1_250]);
  });

  it("stops before any request when stillWanted() says no", async () => {
    const h = harness();
    const stillWanted = vi.fn(() => false);
    expect(await h.sender.sendSms(PHONE, BODY, "row-14", stillWanted)).toEqual({ ok: false, reason: "not_wanted" });
    expect(stillWanted).toHaveBeenCalled();
    expect(h.requests()).toHaveLength(0);
  });

  it("asks stillWanted() before each retry, and stops when it says no", async () => {
    const h = harness();
    notify.failNext(500, 2);
    let asked = 0;
    const r = await h.sender.sendSms(PHONE, BODY, "row-15", () => ++asked === 1);
    expect(r).toEqual({ ok: false, reason: "not_wanted" });
    expect(asked).toBe(2);
    expect(h.requests()).toHaveLength(1);
  });

  it("never starts more than perMinute requests in any 60 s, retries included", async () => {
    const h = harness({ perMinute: 5 });
    notify.failNext(500, 2);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => h.sender.sendSms(PHONE, `${BODY} ${i}`, `burst-${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(h.starts).toHaveLength(14);
    for (const s of h.starts) expect(h.starts.filter((o) => o.at > s.at - 60_000 && o.at <= s.at).length).toBeLessThanOrEqual(5);
    expect(h.starts.slice(0, 5).every((s) => s.at === h.t0)).toBe(true);
    // 14 requests at 5 a minute: the last ones start in the third minute. (This clock adds
    // up concurrent sleeps, so the two 250 ms backoffs push it on a little.)
    expect(h.starts.at(-1)!.at).toBeGreaterThanOrEqual(h.t0 + 120_000);
    expect(h.starts.at(-1)!.at).toBeLessThan(h.t0 + 180_000);
  });

  it("caps requests in flight", async () => {
    const h = harness({ timeoutMs: 200, maxAttempts: 1, maxInFlight: 2, now: Date.now });
    notify.hangNext(2);
    const t = Date.now();
    const r = await Promise.all([1, 2, 3].map((i) => h.sender.sendSms(PHONE, BODY, `cap-${i}`)));
    expect(r.map((x) => x.ok)).toEqual([false, false, true]);
    const [a, b, c] = h.starts;
    expect(b!.at - a!.at).toBeLessThan(150);
    // The third waited for one of the two hung requests to time out.
    expect(c!.at - t).toBeGreaterThanOrEqual(190);
  });

  it("capacity: what the window allows, less the sends already waiting", async () => {
    let release: (() => void) | undefined;
    const h = harness({
      perMinute: 3,
      sleep: (ms) =>
        new Promise<void>((r) => {
          release = () => {
            clock += ms;
            r();
          };
        }),
      now: () => clock,
    });
    let clock = h.t0;
    expect(h.sender.capacity(1_000)).toBe(3);
    const sends = Array.from({ length: 5 }, (_, i) => h.sender.sendSms(PHONE, BODY, `capacity-${i}`));
    await expect.poll(() => notify.sent.filter((m) => m.reference?.startsWith("capacity-")).length).toBe(3);
    // Three started; two wait for the window: none more within a second, one more within a minute.
    expect(h.sender.capacity(1_000)).toBe(0);
    expect(h.sender.capacity(60_000)).toBe(1);
    release!();
    expect((await Promise.all(sends)).every((r) => r.ok)).toBe(true);
    expect(h.sender.capacity(1_000)).toBe(1);
  });

  it("never logs the number or the text", async () => {
    const h = harness({ maxAttempts: 2 });
    notify.failNext(500, 2);
    await h.sender.sendSms(PHONE, BODY, "row-16");
    notify.failNext(400);
    await h.sender.sendEmail("sam@example.gov.uk", "Secret subject", BODY, "row-17");
    expect(h.log.warn).toHaveBeenCalled();
    expect(h.log.error).toHaveBeenCalled();
    const text = h.logged();
    expect(text).toContain("row-16");
    for (const secret of [PHONE, "900123", BODY, "sam@example", "Secret subject"]) expect(text).not.toContain(secret);
  });
});

describe("createNotifySender without the fake", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Notify's daily limit: 429 TooManyRequestsError.
    server = createServer((_req, res) => {
      res.writeHead(429, { "content-type": "application/json" }).end(JSON.stringify({ status_code: 429, errors: [{ error: "TooManyRequestsError", message: "Exceeded send limits (250000) for today" }] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reports the daily limit as unavailable at once (retrying within seconds cannot help)", async () => {
    const h = harness({ baseUrl: url });
    expect(await h.sender.sendSms(PHONE, BODY, "row-18")).toEqual({ ok: false, reason: "unavailable", status: 429, error: "TooManyRequestsError: Exceeded send limits (250000) for today" });
    expect(h.starts).toHaveLength(1);
  });

  it("retries a refused connection, then reports it unavailable, status 0", async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const h = harness({ baseUrl: closed, maxAttempts: 2 });
    expect(await h.sender.sendSms(PHONE, BODY, "row-19")).toEqual({ ok: false, reason: "unavailable", status: 0, error: "network: ECONNREFUSED" });
    expect(h.starts).toHaveLength(2);
  });
});

describe("a busy event loop", () => {
  it("an answer already waiting on the socket when the timeout comes due is read, not thrown away and sent again", async () => {
    // A Notify that answers at once and then keeps this process busy past the request
    // timeout (as raising a burst of alerts can): when the loop is free, the timer is due
    // and the answer is waiting. The timeout must let the answer be read first.
    let requests = 0;
    const server: Server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on("end", () => {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "5e1f0000-0000-4000-8000-000000000001", reference: null, content: { body: BODY, from_number: "GOVUK" }, uri: "", template: { id: notify.smsTemplateId, version: 1, uri: "" } }));
        const until = Date.now() + 300;
        while (Date.now() < until) {
          /* the event loop is busy */
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const sender = createNotifySender({
        apiKey: notify.apiKey,
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        smsTemplateId: notify.smsTemplateId,
        log: { warn: vi.fn(), error: vi.fn() } as unknown as NotifySenderOptions["log"],
        timeoutMs: 100,
        backoffMs: [1],
      });
      const r = await sender.sendSms(PHONE, BODY, "busy-loop");
      expect(r).toEqual({ ok: true, notifyId: "5e1f0000-0000-4000-8000-000000000001" });
      expect(requests, "sent once: the person is not texted twice").toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("capacity", () => {
  it("is what the requests in flight can start within the window at the round trip seen, not the whole rate limit", () => {
    const { sender } = harness({ maxInFlight: 20, perMinute: 2700 });
    // Before any answer it assumes 300 ms a round: 20 in flight start ~333 in 5 s, not 2,700.
    const c = sender.capacity(5_000);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThanOrEqual(Math.floor((20 * 5_000) / 300));
  });
});
