// Text a person must be able to see: a name, a label, a reason. Invisible characters
// (spaces, zero-width and bidi marks, control characters, fillers) do not count, so a
// name of only U+200B cannot be entered to pass as blank or to impersonate someone.
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

/** The text as stored: invisible characters cut from both ends. */
export const trimInvisible = (s: string) => s.replace(EDGES, "");

/** Why this text shows too little (fewer than `min` visible characters, or no letter or digit), or null. */
export function visibleProblem(s: string | null | undefined, min: number): string | null {
  const visible = (s ?? "").replace(INVISIBLE, "");
  const chars = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(visible)].length;
  if (chars === 0) return "is empty or only invisible characters";
  if (chars < min) return `needs at least ${min} visible characters`;
  if (!/[\p{L}\p{N}]/u.test(visible)) return "needs words, not only punctuation or symbols";
  return null;
}

/** A name or label: trimmed of invisible edges, at least one visible letter or digit. */
export const visibleText = (max = 200) =>
  z
    .string()
    .max(max)
    .transform(trimInvisible)
    .superRefine((s, ctx) => {
      const problem = visibleProblem(s, 1);
      if (problem) ctx.addIssue({ code: "custom", message: `This ${problem}.` });
    })
    .openapi({ type: "string", minLength: 1, maxLength: max, description: "Visible text; invisible characters do not count" });
