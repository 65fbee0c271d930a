// `npm run bench`: every benchmark in turn, each in its own process so one's heap
// and timers never colour another's figures. Each prints its own figures.
// Run one alone with `TZ=UTC npx tsx bench/<name>.ts`.
import { spawnSync } from "node:child_process";

const BENCHES = ["rota-coverage", "reports", "foundation", "prepared-forms", "dispatch", "checkin"];
const only = process.argv.slice(2);
let failed = 0;
for (const name of BENCHES.filter((b) => only.length === 0 || only.includes(b))) {
  console.log(`\n=== bench/${name}.ts`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`], { stdio: "inherit", env: { ...process.env, TZ: "UTC" } });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${name}.ts exited ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
