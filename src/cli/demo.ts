// `npm run demo`: fill an EMPTY database with a small demo council, then let each
// capability add its own demo data (HR records, rotas, lone-working visits), and
// print everyone's sign-in. Refuses a database that already has staff, so it can
// never mix invented people into real records.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { cliDeps, closeDeps, fail } from "./common.js";
import { countStaff, createStaff, type NewStaff } from "../staff/service.js";
import { addDays, localDay } from "../calendar/days.js";
import type { DemoCast, DemoPerson } from "../demo/cast.js";
import type { Deps } from "../deps.js";
import { seedHr } from "../hr/demo.js";
import { seedRota } from "../rota/demo.js";
import { seedLoneWorking } from "../lone-working/alerts/demo.js";

/** One shared password for the demo people: printed below, never used outside a demo. */
export const DEMO_PASSWORD = "dutyline-demo-2026";
const DOMAIN = "demo.dutyline.example";

const TEAMS = { north: "AMHP Hub North", south: "AMHP Hub South", leadership: "Service Leadership", hr: "People Services", support: "Business Support" };

type Spec = Omit<NewStaff, "email" | "password"> & { team: string };

const email = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@${DOMAIN}`;

export async function buildCast(deps: Deps): Promise<DemoCast> {
  const actor = { type: "system", job: "demo" } as const;
  let phones = 0;
  const make = async (spec: Spec): Promise<DemoPerson> => {
    // Ofcom's drama range (07700 900000-900999): a mobile for the alarm card's Call link that rings nobody.
    const mobile = `+447700900${String(++phones).padStart(3, "0")}`;
    const v = await createStaff(deps, actor, { mobile, ...spec, email: email(spec.name), password: DEMO_PASSWORD });
    return { id: v.id, name: v.name, email: v.email, team: spec.team };
  };
  const many = async (specs: Spec[]) => {
    const out: DemoPerson[] = [];
    for (const s of specs) out.push(await make(s)); // one at a time: each is its own write
    return out;
  };
  const amhp = (name: string, team: string, startDate: string): Spec => ({ name, roles: ["amhp", "social_worker"], team, category: "qualified", startDate });

  // ASYE workers are in their first year after qualifying.
  const today = localDay(deps.clock.now(), deps.config.TZ_LOCAL);
  const admin = await make({ name: "Alex Admin", roles: ["admin"], team: TEAMS.support, category: "other" });
  const hr = await many([
    { name: "Harriet Hughes", roles: ["hr"], team: TEAMS.hr, category: "other" },
    { name: "Rashid Patel", roles: ["hr"], team: TEAMS.hr, category: "other" },
  ]);
  const seniorManagers = await many([
    { name: "Sandra Okafor", roles: ["senior_manager"], team: TEAMS.leadership, category: "manager" },
    { name: "Graham Whitfield", roles: ["senior_manager"], team: TEAMS.leadership, category: "manager" },
  ]);
  const managers = await many([
    { name: "Maria Lewis", roles: ["manager", "amhp"], team: TEAMS.north, category: "manager" },
    { name: "Tom Brennan", roles: ["manager"], team: TEAMS.north, category: "manager" },
    { name: "Aisha Rahman", roles: ["manager"], team: TEAMS.north, category: "manager" },
    { name: "David Chen", roles: ["manager", "amhp"], team: TEAMS.south, category: "manager" },
    { name: "Fiona Gallagher", roles: ["manager"], team: TEAMS.south, category: "manager" },
  ]);
  const amhps = await many([
    amhp("Priya Sharma", TEAMS.north, "2015-04-01"),
    amhp("James Walker", TEAMS.north, "2018-09-03"),
    amhp("Chloe Evans", TEAMS.north, "2020-01-06"),
    amhp("Daniel Murphy", TEAMS.north, "2012-06-11"),
    amhp("Nadia Hussain", TEAMS.north, "2019-03-18"),
    amhp("Owen Davies", TEAMS.north, "2021-10-04"),
    amhp("Grace Thompson", TEAMS.south, "2016-02-29"),
    amhp("Samuel Adeyemi", TEAMS.south, "2017-07-17"),
    amhp("Hannah Clarke", TEAMS.south, "2014-11-24"),
    amhp("Ben Kowalski", TEAMS.south, "2022-05-09"),
    amhp("Leah Robinson", TEAMS.south, "2013-08-19"),
    amhp("Imran Siddiqui", TEAMS.south, "2020-09-14"),
  ]);
  const socialWorkers = await many([
    { name: "Ella Morgan", roles: ["social_worker"], team: TEAMS.north, category: "asye", startDate: addDays(today, -200) },
    { name: "Kwame Mensah", roles: ["social_worker"], team: TEAMS.south, category: "asye", startDate: addDays(today, -60) },
    { name: "Ruby Fletcher", roles: ["social_worker"], team: TEAMS.north, category: "qualified", startDate: "2019-09-02" },
  ]);
  return { password: DEMO_PASSWORD, admin, hr, seniorManagers, managers, amhps, socialWorkers, today };
}

function printSignIns(cast: DemoCast, url: string) {
  const rows: [string, DemoPerson][] = [
    ["admin", cast.admin],
    ...cast.hr.map((p) => ["hr", p] as [string, DemoPerson]),
    ...cast.seniorManagers.map((p) => ["senior manager", p] as [string, DemoPerson]),
    ...cast.managers.map((p) => ["manager", p] as [string, DemoPerson]),
    ...cast.amhps.map((p) => ["amhp", p] as [string, DemoPerson]),
    ...cast.socialWorkers.map((p) => ["social worker", p] as [string, DemoPerson]),
  ];
  const w = Math.max(...rows.map(([, p]) => p.email.length));
  console.log(`\nDemo council ready. Sign in at ${url} with any of these, password: ${cast.password}\n`);
  for (const [role, p] of rows) console.log(`  ${p.email.padEnd(w)}  ${role.padEnd(14)}  ${p.name} (${p.team})`);
  console.log("");
}

async function main() {
  const deps = cliDeps();
  try {
    const n = await countStaff(deps);
    if (n > 0) fail(`Refusing: ${deps.config.DATABASE_PATH} already has ${n} staff. The demo only fills an empty database (point DATABASE_PATH at a new file).`, 1);
    const cast = await buildCast(deps);
    await seedHr(deps, cast);
    await seedRota(deps, cast);
    await seedLoneWorking(deps, cast);
    printSignIns(cast, deps.config.PUBLIC_URL);
  } finally {
    closeDeps(deps);
  }
}

// Run only as a command, so tests can import buildCast.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
