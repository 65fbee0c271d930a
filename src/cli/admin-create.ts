// `npm run admin:create -- --email a@b --name "A B"`: add an administrator (or, with
// --reset-password, give an existing person a new password and the admin role).
// The password is read from stdin or a prompt, never from the command line, where
// it would land in shell history and the process list.
import { parseArgs } from "node:util";
import { z } from "zod";
import { cliDeps, closeDeps, fail, readSecret } from "./common.js";
import { createStaff, findStaffByEmail, setPassword, updateStaff } from "../staff/service.js";
import { Conflict, InvalidInput } from "../errors.js";
import type { Actor } from "../audit/chain.js";
import { passwordProblem } from "../auth/password-policy.js";

const USAGE = `Usage: npm run admin:create -- --email <email> --name <name> [--password-stdin] [--reset-password]
The password (at least 12 characters, not a common one) is read from stdin, or prompted for at a terminal.`;

async function main() {
  if (process.argv.some((a) => a === "--password" || a.startsWith("--password="))) {
    fail("The password is never taken from the command line (shell history, process list). Pipe it in or type it at the prompt.");
  }
  let args;
  try {
    args = parseArgs({
      options: {
        email: { type: "string" },
        name: { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        "reset-password": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(`${(e as Error).message.split("\n")[0]}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const email = z.email().safeParse(args.email?.trim().toLowerCase());
  if (!email.success) fail(`--email: a valid email address is required.\n${USAGE}`);
  const name = args.name?.trim();
  if (!args["reset-password"] && !name) fail(`--name is required.\n${USAGE}`);

  const password = await readSecret("Password for the new admin (at least 12 characters): ");
  // The same policy as every other way of setting a password.
  const problem = passwordProblem(password, { email: email.data, name });
  if (problem) fail(`The password ${problem}.`);

  const deps = cliDeps();
  const actor: Actor = { type: "system", job: "cli:admin-create" };
  try {
    const existing = await findStaffByEmail(deps, email.data);
    if (existing) {
      if (!args["reset-password"]) fail(`${email.data} already exists. Use --reset-password to set a new password and make them an admin.`, 1);
      if (!existing.roles.includes("admin") || !existing.active) {
        await updateStaff(deps, actor, existing.id, { roles: [...existing.roles, ...(existing.roles.includes("admin") ? [] : (["admin"] as const))], active: true });
      }
      await setPassword(deps, actor, existing.id, password);
      console.log(`Password reset and admin role confirmed for ${existing.name} <${existing.email}> (id ${existing.id}). Their sessions have ended.`);
      return;
    }
    const view = await createStaff(deps, actor, { name: name!, email: email.data, roles: ["admin"], category: "other", password });
    console.log(`Admin created: ${view.name} <${view.email}> (id ${view.id}). Sign in at ${deps.config.PUBLIC_URL}.`);
  } catch (e) {
    if (e instanceof Conflict) fail(e.message, 1);
    if (e instanceof InvalidInput) fail(`The password ${e.errors?.[0]?.message ?? "is refused"}.`, 1);
    throw e;
  } finally {
    closeDeps(deps);
  }
}

await main();
