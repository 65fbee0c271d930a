import { hash, verify } from "@node-rs/argon2";
import { InvalidInput } from "../errors.js";
import { passwordProblem, type PasswordContext } from "./password-policy.js";

// Argon2id (memory-hard) with the library's defaults: 19 MiB, 2 passes, the
// OWASP minimum. Runs on libuv's thread pool, so sign-ins don't block the loop.
export const hashPassword = (password: string) => hash(password);

// A fixed hash to verify against when the email is unknown, so a wrong email
// costs the same time as a wrong password and the two can't be told apart.
let dummy: Promise<string> | undefined;

export async function checkPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummy ??= hash("dutyline-timing-equaliser");
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

/** The password policy (password-policy.ts) as a 400 naming the field. */
export function assertPasswordAllowed(password: string, field: string, ctx: PasswordContext = {}): void {
  const problem = passwordProblem(password, ctx);
  if (problem) throw new InvalidInput([{ path: field, message: problem }], `The new password ${problem}.`);
}

/** A new password must not be the one it replaces. */
export async function assertNotCurrentPassword(storedHash: string | null | undefined, password: string, field: string): Promise<void> {
  if (storedHash && (await verify(storedHash, password).catch(() => false))) {
    throw new InvalidInput([{ path: field, message: "must differ from the current password" }], "The new password is the same as the current one.");
  }
}
