// Every sending process starts the same channels: the web process and `npm run worker` both
// call startChannels, which turns text and email on from the Notify configuration.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { channelNamed } from "../../src/lone-working/delivery/index.js";
import { startChannels } from "../../src/lone-working/delivery/channels/start.js";
import { notifyState } from "../../src/lone-working/delivery/channels/notify/index.js";

const KEY = `dutyline_test-${"1".repeat(8)}-1111-4111-8111-${"1".repeat(12)}-${"2".repeat(8)}-2222-4222-8222-${"2".repeat(12)}`;
// The channel list is per module instance: each test file has its own, so nothing leaks out.

it("with NOTIFY_API_KEY and the templates, text and email are channels; without, only push", async () => {
  const off = await testEnv();
  await startChannels(off.deps);
  expect(channelNamed("push")).toBeDefined();
  expect(channelNamed("sms")).toBeUndefined();
  expect(notifyState(off.deps).why).toMatch(/NOTIFY_API_KEY is not set/);

  const on = await testEnv({ NOTIFY_API_KEY: KEY, NOTIFY_SMS_TEMPLATE_ID: "0a2a6c1e-0000-4000-8000-000000000001", NOTIFY_BASE_URL: "http://127.0.0.1:9" });
  await startChannels(on.deps);
  expect(channelNamed("sms")).toBeDefined();
  expect(channelNamed("email"), "no email template: email stays off").toBeUndefined();
  expect(on.deps.notify).toBeDefined();
});

it("the web process and the worker both start their channels with startChannels", () => {
  for (const file of ["src/server.ts", "workers/escalation.ts"]) {
    expect(readFileSync(file, "utf8"), file).toMatch(/await startChannels\(deps\)/);
  }
});
