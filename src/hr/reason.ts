// A reason someone must give (void, correction, late entry, referral): it has to say
// something a reader can see. Invisible characters (spaces, zero-width and bidi
// marks, control characters, fillers) do not count, and one visible character is
// not a reason. One schema for every such field, and the same check for services.
import { z } from "@hono/zod-openapi";
import { trimInvisible, visibleProblem } from "../http/text.js";

export const MIN_REASON_CHARS = 2;

/** The reason as stored: invisible characters cut from both ends. */
export const trimReason = trimInvisible;

/** Why this text is not a reason, or null when it is one. */
export const reasonProblem = (s: string | null | undefined): string | null => visibleProblem(s, MIN_REASON_CHARS);

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
