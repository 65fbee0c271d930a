import { z } from "zod";
import { passwordProblem } from "./auth/password-policy.js";
import { trustedProxyProblem } from "./auth/addresses.js";

/** Default public push services a subscription may point at; PUSH_ALLOWED_HOSTS replaces the list. */
export const DEFAULT_PUSH_HOSTS = [
  "fcm.googleapis.com",
  "updates.push.services.mozilla.com",
  "web.push.apple.com",
  "wns2-par02p.notify.windows.com",
  "*.notify.windows.com",
  "*.push.apple.com",
];

const csv = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_PATH: z.string().min(1).default("./data/dutyline.db"),
  TZ_LOCAL: z
    .string()
    .default("Europe/London")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-GB", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "not a known IANA time zone"),
  PUBLIC_URL: z.url().default("http://localhost:3000"),
  ADMIN_EMAIL: z.email().optional(),
  // The same policy as every other way of setting a password.
  ADMIN_PASSWORD: z
    .string()
    .superRefine((pw, ctx) => {
      const problem = passwordProblem(pw);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().default("mailto:dutyline-admin@example.org"),
  PUSH_ALLOWED_HOSTS: csv.optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(12 * 60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(7 * 24),
  TRUST_PROXY: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  // With TRUST_PROXY: addresses/CIDRs of the proxies whose X-Forwarded-For hops are believed.
  // Unset: only the one proxy in front (the right-most hop is the client).
  TRUSTED_PROXIES: csv
    .superRefine((list, ctx) => {
      for (const e of list) {
        const problem = trustedProxyProblem(e);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }
    })
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RUN_SCHEDULER: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  // A scheduler beats every 2 s. With none seen for this long, a web tier with
  // RUN_SCHEDULER=false takes over escalation, and /readyz answers 503.
  SCHEDULER_STALE_SECONDS: z.coerce.number().int().min(3).max(3600).default(6),
  // GOV.UK Notify (text messages and email). Without a key the text and email channels are
  // off and readiness says so. A key is `<name>-<service id>-<secret>` (two UUIDs at its end).
  NOTIFY_API_KEY: z
    .string()
    .regex(/[0-9a-f-]{36}-[0-9a-f-]{36}$/i, "not a Notify API key (it ends with the service id and the secret, two UUIDs)")
    .optional(),
  NOTIFY_SMS_TEMPLATE_ID: z.uuid().optional(),
  NOTIFY_EMAIL_TEMPLATE_ID: z.uuid().optional(),
  // Unset: the client's default (Notify's production API).
  NOTIFY_BASE_URL: z.url().optional(),
  // What Notify sends as `Authorization: Bearer ...` on its callbacks; unset: callbacks are refused.
  NOTIFY_CALLBACK_TOKEN: z.string().min(16, "use at least 16 characters").optional(),
});

export type Config = z.infer<typeof schema> & { pushAllowedHosts: string[] };

export class ConfigError extends Error {}

/** Parse the environment once; a bad value names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  if ((c.VAPID_PUBLIC_KEY === undefined) !== (c.VAPID_PRIVATE_KEY === undefined)) {
    throw new ConfigError("Invalid configuration:\n  VAPID_PRIVATE_KEY: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither");
  }
  if ((c.ADMIN_EMAIL === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError("Invalid configuration:\n  ADMIN_PASSWORD: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither");
  }
  if (c.NOTIFY_API_KEY && !c.NOTIFY_SMS_TEMPLATE_ID && !c.NOTIFY_EMAIL_TEMPLATE_ID) {
    throw new ConfigError("Invalid configuration:\n  NOTIFY_SMS_TEMPLATE_ID: with NOTIFY_API_KEY set, give the text message template (and NOTIFY_EMAIL_TEMPLATE_ID for email)");
  }
  const adminPasswordProblem = c.ADMIN_PASSWORD && passwordProblem(c.ADMIN_PASSWORD, { email: c.ADMIN_EMAIL });
  if (adminPasswordProblem) throw new ConfigError(`Invalid configuration:\n  ADMIN_PASSWORD: ${adminPasswordProblem}`);
  return { ...c, pushAllowedHosts: c.PUSH_ALLOWED_HOSTS ?? DEFAULT_PUSH_HOSTS };
}

/** For entry points: parse the environment, or print what is wrong and exit 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
