// The people of the demo council, made by `npm run demo` (src/cli/demo.ts) and
// handed to each capability's seeding function (rota, HR, lone working).

export interface DemoPerson {
  id: string;
  name: string;
  email: string;
  team: string;
}

export interface DemoCast {
  password: string;
  admin: DemoPerson;
  hr: DemoPerson[];
  seniorManagers: DemoPerson[];
  managers: DemoPerson[];
  amhps: DemoPerson[];
  socialWorkers: DemoPerson[];
  /** Day the demo is seeded on, local `YYYY-MM-DD`. */
  today: string;
}
