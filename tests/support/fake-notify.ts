// A local fake of GOV.UK Notify's v2 API, as the official client (notifications-node-client)
// calls it, for tests. node:http on 127.0.0.1, a free port.
//
//   const notify = await startFakeNotify();          // { autoDeliver: true } to send receipts by itself
//   const client = new NotifyClient(notify.url, notify.apiKey);
//   notify.failNext(500, 2);                          // the next 2 sends answer 500
//   notify.failNext(429, 1, { to: "07700900123", retryAfter: 7 });
//   notify.hangNext();                                // the next send never answers (timeouts)
//   notify.clearFaults();                             // forget faults not yet used up
//   notify.outcomeFor("07700900123", "permanent-failure"); // accepted, but its receipt says so
//   notify.setCallbacks({ statusUrl, inboundUrl, token });
//   await notify.deliver(notify.sent[0].id);          // POSTs the delivery receipt (status "delivered")
//   await notify.receiveText("+447700900123", "ACK 4821"); // POSTs a received text
//   await notify.close();
//
// It knows one API key (`apiKey`: `<name>-<serviceId>-<secret>`) and checks every request's
// Bearer JWT as Notify does: HS256, signed with the secret, `iss` = the service id, `iat`
// within 30 s of the real clock; a refusal is 401/403 with Notify's own wording. It knows
// one text template (`((body))`) and one email template (subject `((subject))`, `((body))`),
// renders personalisation into the 201 answer, and refuses as Notify does: a missing
// placeholder, an unknown template, a number that is not a UK mobile, a bad email address.
// Faults are consumed only by authenticated send requests, in the order they were set.
// `sent` holds every accepted message, `requests` every request (refused ones too) with the
// time it arrived (`opts.now`, default Date.now), `callbacks` every callback it posted.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";

export type DeliveryStatus = "delivered" | "permanent-failure" | "temporary-failure" | "technical-failure";
export type FaultKind = 429 | 500 | 400 | "hang";
export interface SentMessage {
  id: string;
  type: "sms" | "email";
  to: string;
  templateId: string;
  personalisation: Record<string, unknown>;
  reference: string | null;
  at: number;
  body: string;
  subject?: string;
}
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  status: number | "hang";
  to?: string;
  error?: string;
}
export interface PostedCallback {
  kind: "status" | "inbound";
  url: string;
  body: Record<string, unknown>;
  status: number; // 0: could not connect
}
export interface FakeNotify {
  url: string;
  serviceId: string;
  apiKey: string;
  smsTemplateId: string;
  emailTemplateId: string;
  sent: SentMessage[];
  requests: RecordedRequest[];
  callbacks: PostedCallback[];
  /** The next `n` sends (to `to` only, when given) answer `kind`: 429 (with Retry-After seconds if given), 500, 400, or never. */
  failNext(kind: FaultKind, n?: number, opts?: { to?: string; retryAfter?: number }): void;
  hangNext(n?: number): void;
  /** Forget faults not yet used up. */
  clearFaults(): void;
  /** Sends to this address are accepted, and their receipt carries `status`. */
  outcomeFor(address: string, status: DeliveryStatus): void;
  setCallbacks(c: { statusUrl?: string; inboundUrl?: string; token: string }): void;
  /** POST the delivery receipt of an accepted message (default: its address's outcome); resolves to the HTTP status. */
  deliver(messageId: string, status?: DeliveryStatus): Promise<number>;
  /** POST a received text from `from` (any UK form; sent as 447…); resolves to its id and the HTTP status. */
  receiveText(from: string, message: string): Promise<{ id: string; status: number }>;
  close(): Promise<void>;
}
export interface FakeNotifyOptions {
  now?: () => number;
  /** After each accepted send, post its receipt this many ms later (true: 5 ms). */
  autoDeliver?: boolean | number;
  /** The service's own number, as received texts' destination_number. */
  inboundNumber?: string;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");
/** Notify's timestamps: `2017-05-14T12:15:30.000000Z`. */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
/** A UK mobile as 447xxxxxxxxx, or Notify's complaint about it. */
export function ukMobile(raw: string): { ok: true; number: string } | { ok: false; error: string } {
  const s = raw.replace(/[\s()\-.]/g, "");
  if (!/^\+?\d+$/.test(s)) return { ok: false, error: "phone_number Must not contain letters or symbols" };
  const rest = s.replace(/^\+/, "").replace(/^44/, "").replace(/^0/, "");
  if (!rest.startsWith("7")) return { ok: false, error: "phone_number Not a UK mobile number" };
  if (rest.length > 10) return { ok: false, error: "phone_number Too many digits" };
  if (rest.length < 10) return { ok: false, error: "phone_number Not enough digits" };
  return { ok: true, number: `44${rest}` };
}
const addressKey = (a: string) => (a.includes("@") ? a.trim().toLowerCase() : ((r) => (r.ok ? r.number : a))(ukMobile(a)));

export async function startFakeNotify(opts: FakeNotifyOptions = {}): Promise<FakeNotify> {
  const now = opts.now ?? Date.now;
  const serviceId = randomUUID();
  const secret = randomUUID();
  const apiKey = `dutyline_test-${serviceId}-${secret}`;
  const smsTemplateId = randomUUID();
  const emailTemplateId = randomUUID();
  const templates = new Map<string, { type: "sms" | "email"; subject: string | undefined; body: string }>([
    [smsTemplateId, { type: "sms", subject: undefined, body: "((body))" }],
    [emailTemplateId, { type: "email", subject: "((subject))", body: "((body))" }],
  ]);
  const faults: Array<{ kind: FaultKind; left: number; to?: string; retryAfter?: number }> = [];
  const outcomes = new Map<string, DeliveryStatus>();
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let callbacks: { statusUrl?: string; inboundUrl?: string; token: string } | undefined;
  const sent: SentMessage[] = [];
  const requests: RecordedRequest[] = [];
  const posted: PostedCallback[] = [];
  let base = "";

  const problem = (status: number, error: string, message: string) => ({ status, body: { status_code: status, errors: [{ error, message }] } });

  /** Notify's checks, in its order: a Bearer header, iss, the service, the signature, then iat. */
  function authError(header: string | undefined) {
    if (!header) return problem(401, "AuthError", "Unauthorized, authentication token must be provided");
    if (header.slice(0, 7).toLowerCase() !== "bearer ") return problem(401, "AuthError", "Unauthorized, authentication bearer scheme must be used");
    const [h, p, sig, extra] = header.slice(7).trim().split(".");
    let head: { alg?: string }, claims: { iss?: unknown; iat?: unknown };
    try {
      if (extra !== undefined || !h || !p || sig === undefined) throw new Error("shape");
      head = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    } catch {
      return problem(403, "AuthError", "Invalid token: signature, api token is not valid");
    }
    if (typeof claims.iss !== "string" || claims.iss === "") return problem(403, "AuthError", "Invalid token: iss field not provided");
    if (claims.iss !== serviceId) return problem(403, "AuthError", "Invalid token: service not found");
    const want = createHmac("sha256", secret).update(`${h}.${p}`).digest();
    const got = Buffer.from(sig, "base64url");
    if (head.alg !== "HS256" || got.length !== want.length || !timingSafeEqual(got, want)) return problem(403, "AuthError", "Invalid token: signature, api token not found");
    if (typeof claims.iat !== "number" || Math.abs(Date.now() / 1000 - claims.iat) > 30) return problem(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds");
    return undefined;
  }

  function render(text: string, values: Record<string, unknown>, missing: string[]): string {
    return text.replace(/\(\(([^()]+)\)\)/g, (_, name: string) => {
      if (values[name] === undefined || values[name] === null) missing.push(name);
      return String(values[name] ?? "");
    });
  }

  function send(type: "sms" | "email", data: Record<string, unknown>, at: number) {
    const to = String((type === "sms" ? data.phone_number : data.email_address) ?? "");
    const templateId = data.template_id;
    if (typeof templateId !== "string") return problem(400, "ValidationError", "template_id is a required property");
    // Notify's order: the template, its placeholders, then the recipient.
    const template = templates.get(templateId);
    if (!template) return problem(400, "BadRequestError", "Template not found");
    if (template.type !== type) return problem(400, "BadRequestError", `${template.type} template is not suitable for ${type} notification`);
    const values = (data.personalisation ?? {}) as Record<string, unknown>;
    const missing: string[] = [];
    const subject = template.subject === undefined ? undefined : render(template.subject, values, missing);
    const body = render(template.body, values, missing);
    if (missing.length) return problem(400, "BadRequestError", `Missing personalisation: ${missing.join(", ")}`);
    if (type === "sms") {
      const n = ukMobile(to);
      if (!n.ok) return problem(400, "ValidationError", n.error);
    } else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) return problem(400, "ValidationError", "email_address Not a valid email address");
    const id = randomUUID();
    const reference = typeof data.reference === "string" ? data.reference : null;
    sent.push({ id, type, to, templateId, personalisation: values, reference, at, body, ...(subject === undefined ? {} : { subject }) });
    if (opts.autoDeliver) {
      const t = setTimeout(() => (timers.delete(t), void deliver(id).catch(() => {})), opts.autoDeliver === true ? 5 : opts.autoDeliver);
      timers.add(t);
    }
    const template_ = { id: templateId, version: 1, uri: `${base}/services/${serviceId}/templates/${templateId}` };
    const content = type === "sms" ? { body, from_number: "GOVUK" } : { subject, body, from_email: "dutyline@notifications.service.gov.uk", one_click_unsubscribe_url: null };
    return { status: 201, body: { id, reference, content, uri: `${base}/v2/notifications/${id}`, template: template_ } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const at = now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? "/").split("?")[0]!;
    const rec: RecordedRequest = { at, method: req.method ?? "", path, status: 0 };
    requests.push(rec);
    let data: Record<string, unknown> = {};
    try {
      data = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    } catch {
      /* answered below as a bad request */
    }
    const to = data.phone_number ?? data.email_address;
    if (typeof to === "string") rec.to = to;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      const errs = (body as { errors?: Array<{ error: string; message: string }> }).errors;
      if (errs) rec.error = `${errs[0]!.error}: ${errs[0]!.message}`;
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    const refused = authError(req.headers.authorization);
    if (refused) return answer(refused.status, refused.body);
    const type = req.method === "POST" && path === "/v2/notifications/sms" ? "sms" : req.method === "POST" && path === "/v2/notifications/email" ? "email" : undefined;
    if (!type) return answer(404, { status_code: 404, errors: [{ error: "NotFound", message: "The requested URL was not found on the server." }] });
    const fault = faults.find((f) => f.left > 0 && (f.to === undefined || (typeof to === "string" && addressKey(f.to) === addressKey(to))));
    if (fault) {
      fault.left--;
      if (fault.kind === "hang") {
        rec.status = "hang";
        hung.add(res);
        return;
      }
      if (fault.kind === 429) {
        const p = problem(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds");
        return answer(429, p.body, fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) });
      }
      if (fault.kind === 500) return answer(500, problem(500, "Exception", "Internal server error").body);
      return answer(400, problem(400, "BadRequestError", "Can't send to this recipient using a team-only API key").body);
    }
    const r = send(type, data, at);
    answer(r.status, r.body);
  }

  async function post(kind: PostedCallback["kind"], url: string | undefined, body: Record<string, unknown>): Promise<number> {
    if (!url || !callbacks) throw new Error(`fake Notify: no ${kind} callback URL set`);
    let status = 0;
    try {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${callbacks.token}` }, body: JSON.stringify(body) });
      await r.arrayBuffer();
      status = r.status;
    } finally {
      posted.push({ kind, url, body, status });
    }
    return status;
  }

  async function deliver(messageId: string, status?: DeliveryStatus): Promise<number> {
    const m = sent.find((s) => s.id === messageId);
    if (!m) throw new Error(`fake Notify: no message ${messageId}`);
    const done = now();
    return post("status", callbacks?.statusUrl, {
      id: m.id,
      reference: m.reference,
      to: m.to,
      status: status ?? outcomes.get(addressKey(m.to)) ?? "delivered",
      created_at: stamp(m.at),
      completed_at: stamp(done),
      sent_at: stamp(m.at),
      notification_type: m.type,
      template_id: m.templateId,
      template_version: 1,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    serviceId,
    apiKey,
    smsTemplateId,
    emailTemplateId,
    sent,
    requests,
    callbacks: posted,
    failNext: (kind, n = 1, o = {}) => void faults.push({ kind, left: n, ...o }),
    hangNext: (n = 1) => void faults.push({ kind: "hang", left: n }),
    clearFaults: () => void (faults.length = 0),
    outcomeFor: (address, status) => void outcomes.set(addressKey(address), status),
    setCallbacks: (c) => void (callbacks = c),
    deliver,
    async receiveText(from, message) {
      const id = randomUUID();
      const n = ukMobile(from);
      const body = { id, source_number: n.ok ? n.number : from.replace(/^\+/, ""), destination_number: opts.inboundNumber ?? "07700900000", message, date_received: stamp(now()) };
      return { id, status: await post("inbound", callbacks?.inboundUrl, body) };
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const r of hung) r.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
