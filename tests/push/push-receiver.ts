// A local HTTPS push service for tests, benchmarks and crash tests.
//
// It plays the part of FCM/Mozilla/Apple: records every request, answers what it
// is told to per endpoint, decrypts payloads (http_ece, aes128gcm) and verifies
// the VAPID JWT (jose). Subscription keys are DERIVED from the endpoint's name,
// so a standalone receiver process (and a restarted one) can decrypt whatever a
// test process subscribed, without sharing state:
//
//   npx tsx tests/push/push-receiver.ts --port 8443 --out deliveries.jsonl [--cert-dir dir] [--raw] [--delay-ms N]
//
// prints one JSON line {"ready":true,url,port,caPath} on stdout, then appends one
// JSON line per request to --out (with the decrypted payload). Point the server
// at it with NODE_EXTRA_CA_CERTS=<caPath> and PUSH_ALLOWED_HOSTS=127.0.0.1:<port>.
import { createECDH, createHash, randomBytes, type ECDH } from "node:crypto";
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, request as httpsRequest, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ece from "http_ece";
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from "jose";

export interface ReceivedRequest {
  /** Wall-clock ms when the request finished arriving. */
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** What the receiver answered. */
  status: number;
}

export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface VapidCheck {
  /** The JWT claims, verified against the key (aud = this receiver's origin). */
  claims: JWTPayload;
  /** The `k=` public key the request carried (base64url, uncompressed P-256 point). */
  publicKey: string;
  /** The raw JWT (to compare across requests: reuse means the same token). */
  token: string;
  alg: string;
}

interface Planned {
  status: number;
  headers: Record<string, string>;
  /** Answer this way this many more times, then go back to 201; undefined = always. */
  times?: number;
}

export interface PushReceiver {
  url: string;
  origin: string;
  port: number;
  /** PEM of the self-signed certificate: pass as `ca` to a client that must trust it. */
  ca: string;
  caPath: string;
  requests: ReceivedRequest[];
  /** A new fake browser subscription at this receiver (name defaults to random). */
  makeSubscription(name?: string): TestSubscription;
  /** Decrypt a received request's body; JSON-parsed when it is JSON. */
  decrypt(req: ReceivedRequest): any;
  /** Verify the request's VAPID Authorization header (against `publicKey` when given). */
  verifyVapid(req: ReceivedRequest, publicKey?: string, currentDate?: Date): Promise<VapidCheck>;
  /** Answer `status` (with headers) at this endpoint path; `times` then back to 201. */
  setResponse(endpointPath: string, status: number, headers?: Record<string, string>, times?: number): void;
  /** Wait until at least n requests arrived (ms timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  port?: number;
  host?: string;
  /** Reuse (or create) key.pem/cert.pem here, so restarts keep one certificate. */
  certDir?: string;
  /** Append one JSON line per request (with the decrypted payload and VAPID claims). */
  out?: string;
  /** Milliseconds to wait before answering (to model a slow push service). */
  delayMs?: number;
  /**
   * With `out`: write the raw request (body base64, Authorization) and decrypt later
   * in readDeliveries, so the receiver keeps up with a benchmark burst.
   */
  raw?: boolean;
}

const b64u = (b: Buffer) => b.toString("base64url");

/** The key pair and auth secret of the fake browser behind endpoint `/push/<name>`. */
export function subscriptionKeys(name: string): { ecdh: ECDH; p256dh: string; auth: string } {
  const ecdh = createECDH("prime256v1");
  let seed = createHash("sha256").update(`dutyline-test-subscription:${name}`).digest();
  for (;;) {
    try {
      ecdh.setPrivateKey(seed);
      break;
    } catch {
      seed = createHash("sha256").update(seed).digest(); // not a valid scalar (~2^-32): rehash
    }
  }
  const auth = createHash("sha256").update(`dutyline-test-auth:${name}`).digest().subarray(0, 16);
  return { ecdh, p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) };
}

function subscriptionName(path: string): string | undefined {
  const m = /^\/push\/([^/?]+)/.exec(path);
  return m?.[1];
}

/** Decrypt an aes128gcm body sent to `/push/<name>`. */
export function decryptFor(path: string, body: Buffer): any {
  const name = subscriptionName(path);
  if (!name) throw new Error(`not a subscription path: ${path}`);
  const { ecdh, auth } = subscriptionKeys(name);
  const plain = ece.decrypt(body, { version: "aes128gcm", privateKey: ecdh, authSecret: auth });
  const text = plain.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Parse `vapid t=<jwt>, k=<key>` and verify the JWT (ES256) with the key. */
export async function verifyVapidHeader(authorization: string | undefined, audience: string, publicKey?: string, currentDate?: Date): Promise<VapidCheck> {
  const m = /^vapid\s+t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!m) throw new Error(`Authorization is not "vapid t=..., k=...": ${authorization}`);
  const token = m[1]!;
  const k = m[2]!;
  if (publicKey && publicKey !== k) throw new Error("VAPID k= is not the server's public key");
  const raw = Buffer.from(publicKey ?? k, "base64url");
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("VAPID key is not an uncompressed P-256 point");
  const key = await importJWK({ kty: "EC", crv: "P-256", x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) }, "ES256");
  const { payload } = await jwtVerify(token, key, { audience, algorithms: ["ES256"], ...(currentDate ? { currentDate } : {}) });
  if (typeof payload.exp !== "number") throw new Error("VAPID JWT has no exp");
  if (typeof payload.sub !== "string") throw new Error("VAPID JWT has no sub");
  return { claims: payload, publicKey: k, token, alg: decodeProtectedHeader(token).alg ?? "" };
}

/** A self-signed certificate for 127.0.0.1/localhost, made with openssl. */
function certificate(dir?: string): { key: string; cert: string; caPath: string } {
  const d = dir ?? mkdtempSync(join(tmpdir(), "push-receiver-"));
  mkdirSync(d, { recursive: true });
  const keyPath = join(d, "key.pem");
  const certPath = join(d, "cert.pem");
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyPath, "-out", certPath, "-days", "7", "-subj", "/CN=dutyline test push service",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ], { stdio: "ignore" });
  }
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), caPath: certPath };
}

export async function startPushReceiver(opts: ReceiverOptions = {}): Promise<PushReceiver> {
  const host = opts.host ?? "127.0.0.1";
  const { key, cert, caPath } = certificate(opts.certDir);
  const requests: ReceivedRequest[] = [];
  const plans = new Map<string, Planned>();
  const waiters: Array<() => void> = [];
  let origin = "";

  let rawLines: string[] = [];
  const flushRaw = () => {
    try {
      if (rawLines.length) appendFileSync(opts.out!, rawLines.join(""));
    } catch {
      // the output directory went away (a benchmark cleaning up)
    }
    rawLines = [];
  };
  const rawTimer = opts.raw && opts.out ? setInterval(flushRaw, 50) : undefined;
  const record = async (r: ReceivedRequest) => {
    requests.push(r);
    if (opts.out && opts.raw) {
      const line = { at: r.at, path: r.path, status: r.status, ttl: r.headers.ttl, urgency: r.headers.urgency, topic: r.headers.topic, authorization: r.headers.authorization, body: r.body.toString("base64") };
      rawLines.push(JSON.stringify(line) + "\n");
    } else if (opts.out) {
      let payload: unknown = null;
      let vapid: unknown = null;
      let error: string | undefined;
      try {
        payload = decryptFor(r.path, r.body);
      } catch (e) {
        error = `decrypt: ${(e as Error).message}`;
      }
      try {
        const v = await verifyVapidHeader(r.headers.authorization, origin);
        vapid = { aud: v.claims.aud, sub: v.claims.sub, exp: v.claims.exp, k: v.publicKey };
      } catch (e) {
        error = `${error ? error + "; " : ""}vapid: ${(e as Error).message}`;
      }
      const line = {
        at: r.at, path: r.path, status: r.status,
        ttl: r.headers.ttl, urgency: r.headers.urgency, topic: r.headers.topic,
        payload, vapid, ...(error ? { error } : {}),
      };
      appendFileSync(opts.out, JSON.stringify(line) + "\n");
    }
    for (const w of waiters.splice(0)) w();
  };

  const control = (path: string, body: Buffer): [number, unknown] => {
    if (path === "/_control/response") {
      const { path: p, status, headers, times } = JSON.parse(body.toString("utf8"));
      plans.set(p, { status, headers: headers ?? {}, times });
      return [204, null];
    }
    if (path === "/_control/subscription") {
      const { name } = JSON.parse(body.toString("utf8") || "{}");
      return [200, makeSubscription(name)];
    }
    return [404, { error: "unknown control path" }];
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      if (path.startsWith("/_control/")) {
        const [status, out] = control(path, body);
        res.writeHead(status, { "content-type": "application/json" }).end(out === null ? undefined : JSON.stringify(out));
        return;
      }
      const plan = plans.get(path);
      let status = 201;
      let headers: Record<string, string> = {};
      if (plan) {
        status = plan.status;
        headers = plan.headers;
        if (plan.times !== undefined && --plan.times <= 0) plans.delete(path);
      }
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
      const r: ReceivedRequest = { at: Date.now(), method: req.method ?? "", path, headers: flat, body, status };
      const answer = () => {
        if (status === 201) headers = { location: `${origin}/message/${randomBytes(8).toString("hex")}`, ...headers };
        res.writeHead(status, headers).end();
        void record(r);
      };
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `https://${host}:${port}`;

  function makeSubscription(name = randomBytes(12).toString("base64url")): TestSubscription {
    const { p256dh, auth } = subscriptionKeys(name);
    return { endpoint: `${origin}/push/${name}`, keys: { p256dh, auth } };
  }

  return {
    url: origin,
    origin,
    port,
    ca: cert,
    caPath,
    requests,
    makeSubscription,
    decrypt: (r) => decryptFor(r.path, r.body),
    verifyVapid: (r, publicKey, currentDate) => verifyVapidHeader(r.headers.authorization, origin, publicKey, currentDate),
    setResponse(endpointPath, status, headers = {}, times) {
      const p = endpointPath.startsWith("https://") ? new URL(endpointPath).pathname : endpointPath;
      plans.set(p, { status, headers, times });
    },
    waitFor(n, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`push receiver: ${requests.length}/${n} requests after ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (requests.length >= n) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(rawTimer);
        if (opts.raw && opts.out) flushRaw();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Talk to a standalone receiver from another process (crash tests): ask it for a
 * subscription or tell it how to answer an endpoint. Trusts only its certificate.
 */
export async function controlReceiver(url: string, ca: string, path: "/_control/response" | "/_control/subscription", body: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, url), { method: "POST", ca, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`receiver ${res.statusCode}: ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

export interface Delivery {
  at: number;
  path: string;
  status: number;
  ttl?: string;
  urgency?: string;
  topic?: string;
  payload: any;
  /** Claims (aud, sub, exp, k) when verified at the receiver; raw lines carry `authorization` instead. */
  vapid: any;
  authorization?: string;
  error?: string;
}

/** Read the JSON lines a standalone receiver wrote (raw lines are decrypted here). */
export function readDeliveries(file: string): Delivery[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const d = JSON.parse(l);
      if (typeof d.body === "string") {
        try {
          d.payload = decryptFor(d.path, Buffer.from(d.body, "base64"));
        } catch (e) {
          d.error = `decrypt: ${(e as Error).message}`;
        }
        delete d.body;
      }
      return d as Delivery;
    });
}

// Standalone: npx tsx tests/push/push-receiver.ts --port N --out file.jsonl [--cert-dir dir] [--delay-ms N] [--raw]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const r = await startPushReceiver({
    port: Number(arg("port") ?? 0),
    out: arg("out") ?? "push-deliveries.jsonl",
    certDir: arg("cert-dir"),
    delayMs: arg("delay-ms") ? Number(arg("delay-ms")) : undefined,
    raw: process.argv.includes("--raw"),
  });
  process.stdout.write(JSON.stringify({ ready: true, url: r.url, port: r.port, caPath: r.caPath }) + "\n");
  const stop = () => void r.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
