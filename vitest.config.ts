import { defineConfig } from "vitest/config";

// rrule's output depends on the process time zone: everything runs in UTC and
// expands patterns in the service's zone explicitly.
process.env.TZ = "UTC";

export default defineConfig({
  test: {
    env: { TZ: "UTC", NO_COLOR: "1" },
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
