// A reason someone must give (void, correction, late entry, referral): it has to say
// something a reader can see. Invisible characters (spaces, zero-width and bidi
// marks, control characters, fillers) do not count, and one visible character is
// not a reason. One schema for every such field, and the same check for services.
import { z } from "@hono/zod-openapi";

/**
 * Characters that show nothing: white space, control (Cc) and format (Cf: zero-width
 * space/joiners, bidi marks, soft hyphen, BOM), lone combining marks, variation
 * selectors, and the blank "letters" (Hangul fillers, braille blank, Khmer inherent vowels).
 */
const BLANK = "\\s\\p{Cc}\\p{Cf}\\u115F\\u1160\\u3164\\uFFA0\\u2800\\u17B4\\u17B5\\u{1D173}-\\u{1D17A}";
const INVISIBLE = new RegExp(`[${BLANK}\\p{M}\\u{FE00}-\\u{FE0F}\\u{E0100}-\\u{E01EF}]`, "gu");
// Marks are kept at the edges: a trailing vowel sign belongs to its letter.
const EDGES = new RegExp(`^[${BLANK}]+|[${BLANK}]+$`, "gu");

export const MIN_REASON_CHARS = 2;

/** The reason as stored: invisible characters cut from both ends. */
export const trimReason = (s: string) => s.replace(EDGES, "");

/** Why this text is not a reason, or null when it is one. */
export function reasonProblem(s: string | null | undefined): string | null {
  const visible = (s ?? "").replace(INVISIBLE, "");
  const chars = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(visible)].length;
  if (chars === 0) return "is empty or only invisible characters";
  if (chars < MIN_REASON_CHARS) return `needs at least ${MIN_REASON_CHARS} visible characters`;
  if (!/[\p{L}\p{N}]/u.test(visible)) return "needs words, not only punctuation or symbols";
  return null;
}

/** The zod schema of every reason field: trimmed of invisible edges, at least 2 visible characters. */
export const reasonSchema = (max = 2000) =>
  z
    .string()
    .max(max)
    .transform(trimReason)
    .superRefine((s, ctx) => {
      const problem = reasonProblem(s);
      if (problem) ctx.addIssue({ code: "custom", message: `The reason ${problem}.` });
    })
    .openapi({ type: "string", minLength: MIN_REASON_CHARS, maxLength: max, description: "At least 2 visible characters; invisible ones do not count" });

export const Reason = reasonSchema();
