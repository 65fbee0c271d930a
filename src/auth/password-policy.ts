// The one password policy (NIST SP 800-63B 5.1.1.2): length, and a refusal of
// passwords an attacker tries first. No composition rules, no expiry. Pure, so the
// config check (ADMIN_PASSWORD), the CLI and every service path share it.

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

// Base words of the most common breached passwords (and this service's own name):
// a password that is one of these with digits or symbols around it is refused.
const COMMON_WORDS = new Set([
  "password", "passwort", "motdepasse", "qwerty", "qwertyuiop", "azerty", "asdfgh", "asdfghjkl", "zxcvbnm", "letmein",
  "welcome", "iloveyou", "admin", "administrator", "monkey", "dragon", "football", "baseball", "soccer", "sunshine",
  "princess", "starwars", "whatever", "trustno", "changeme", "secret", "summer", "winter", "spring", "autumn",
  "master", "shadow", "superman", "batman", "michael", "charlie", "jennifer", "jordan", "liverpool", "chelsea",
  "arsenal", "manchester", "london", "england", "computer", "internet", "login", "hello", "freedom", "abc",
  "qwe", "test", "guest", "default", "council", "dutyline", "nhs", "socialwork", "amhp", "pass", "mypassword",
  "passphrase", "access", "temp", "temppassword", "newpassword", "mustang", "killer", "hunter", "ranger",
]);

// Keyboard rows and the alphabet: any run along one of these (either way) is refused.
const SEQUENCES = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertyuiopasdfghjklzxcvbnm", "abcdefghijklmnopqrstuvwxyz", "qazwsxedcrfvtgbyhnujmikolp"];

const LEET: Record<string, string> = { "@": "a", "4": "a", "8": "b", "3": "e", "6": "g", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t", "+": "t", "2": "z" };

const lettersOnly = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");

function isSequence(pw: string): boolean {
  const s = pw.toLowerCase().replace(/\s+/g, "");
  return SEQUENCES.some((seq) => {
    const ring = seq.repeat(Math.ceil(s.length / seq.length) + 1);
    const back = [...ring].reverse().join("");
    return ring.includes(s) || back.includes(s);
  });
}

function isCommon(pw: string): boolean {
  const lower = pw.toLowerCase();
  // "Password1234!" and "p@ssw0rd2026": strip what is around the word, undo the usual substitutions.
  const core = lower.replace(/^[^a-z@$]+|[^a-z]+$/g, "");
  const unleet = [...core].map((ch) => LEET[ch] ?? ch).join("");
  return [lettersOnly(lower), lettersOnly(unleet)].some((w) => w !== "" && (COMMON_WORDS.has(w) || [...COMMON_WORDS].some((c) => w === c.repeat(Math.round(w.length / c.length)))));
}

export interface PasswordContext {
  /** The account's email: a password that is it, or its local part, is refused. */
  email?: string;
  name?: string;
}

/** Why this password may not be used, or undefined when it may. */
export function passwordProblem(pw: string, ctx: PasswordContext = {}): string | undefined {
  if (pw.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (pw.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  if (/^(.{1,4}?)\1+$/su.test(pw)) return "is one character or a short pattern repeated; choose a passphrase";
  if (isSequence(pw)) return "is a keyboard or alphabet sequence; choose a passphrase";
  if (isCommon(pw)) return "is too common (one of the first passwords an attacker tries); choose a passphrase of a few unrelated words";
  const own = [ctx.email, ctx.email?.split("@")[0], ctx.name].filter((x): x is string => Boolean(x && x.trim()));
  const letters = lettersOnly(pw);
  if (own.some((o) => o.toLowerCase() === pw.toLowerCase() || (lettersOnly(o).length >= 4 && lettersOnly(o) === letters))) {
    return "is the person's own email or name; choose something unrelated";
  }
  return undefined;
}
