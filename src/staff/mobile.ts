// A UK mobile number as people write it ("07700 900123", "+44 7700 900123", "0044 7700
// 900123", "+44 (0)7700 900123") and as it is stored and returned: E.164, "+447700900123".
// Text messages go only to UK mobiles (07…), so a landline or a foreign number is refused.
import { z } from "@hono/zod-openapi";

const MESSAGE = "must be a UK mobile number, such as 07700 900123";

/** The number as E.164 (`+447…`, 13 characters), or null when it is not a UK mobile. */
export function ukMobile(raw: string): string | null {
  let s = raw.trim().replace(/[\s\-.()\u00A0]/g, "");
  // "+44 (0)7700…": the bracketed trunk zero, once the brackets are gone.
  s = s.replace(/^\+440/, "+44").replace(/^00440?/, "+44");
  if (/^07\d{9}$/.test(s)) s = `+44${s.slice(1)}`;
  else if (/^447\d{9}$/.test(s)) s = `+${s}`;
  return /^\+447\d{9}$/.test(s) ? s : null;
}

/** How a stored number reads on a page: "07700 900123". */
export function fmtMobile(e164: string | null | undefined): string {
  if (!e164) return "";
  return /^\+447\d{9}$/.test(e164) ? `0${e164.slice(3, 7)} ${e164.slice(7)}` : e164;
}

/** A request field: any common way of writing a UK mobile, given back as E.164. */
export const UkMobile = z
  .string()
  .max(40, MESSAGE)
  .refine((s) => ukMobile(s) !== null, { message: MESSAGE })
  .transform((s) => ukMobile(s)!)
  .openapi({ type: "string", example: "+447700900123", description: "A UK mobile number; stored and returned as E.164" });
