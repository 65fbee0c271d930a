// One way to answer a report: JSON by default, CSV when asked (`?format=csv` or
// `Accept: text/csv`). CSV is written for Excel: UTF-8 with a byte-order mark (so
// accented names survive), a header row, ISO dates, and an attachment filename.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { stringify } from "csv-stringify/sync";
import type { AppEnv } from "../deps.js";
import { localDay } from "../calendar/days.js";

/** A CSV column: the row key, and optionally the header text (defaults to the key). */
export type ReportColumn<Row> = (keyof Row & string) | { key: keyof Row & string; header?: string };

/** Query parameter every report accepts; merge into the route's query schema. */
export const FormatQuery = z.object({
  format: z.enum(["json", "csv"]).optional().openapi({ param: { name: "format", in: "query" } }),
  // The filters a report page offers, so its CSV link holds what is on screen.
  name: z.string().max(100).optional().openapi({ param: { name: "name", in: "query" }, description: "Only rows whose name contains this (any case)" }),
  status: z.string().max(50).optional().openapi({ param: { name: "status", in: "query" }, description: "Only rows with exactly this status" }),
});

/** The rows a report's `name` and `status` filters keep (the report page applies the same). */
export function filterReportRows<Row extends object>(rows: readonly Row[], f: { name?: string; status?: string }): Row[] {
  const name = f.name?.trim().toLowerCase();
  return rows.filter((r) => {
    const row = r as Record<string, unknown>;
    if (name && !String(row.name ?? "").toLowerCase().includes(name)) return false;
    return !f.status || row.status === f.status;
  });
}

/** The 200 response of a report route: JSON `{ rows }` or CSV. */
export function reportResponse<T extends z.ZodType>(row: T, description: string) {
  return {
    description,
    content: {
      "application/json": { schema: z.object({ report: z.string(), rows: z.array(row) }).passthrough() },
      "text/csv": { schema: z.string() },
    },
  };
}

export function wantsCsv(c: Context<AppEnv>): boolean {
  const format = c.req.query("format");
  if (format === "csv") return true;
  if (format === "json") return false;
  // Content negotiation by q-value (hono's helper): `text/csv;q=0` or a preferred JSON stays JSON.
  return accepts(c, { header: "Accept", supports: ["application/json", "text/csv"], default: "application/json" }) === "text/csv";
}

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV Injection"): it starts with
 * = + - @ (or their full-width forms, which some Excel locales take as the same), or a
 * tab or carriage return ahead of one. Such a cell gets a leading ' so Excel and
 * LibreOffice show it as text. Numbers are not text: -3 stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const inert = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);

/** A cell as CSV text: ISO for dates, true/false for booleans, empty for nothing. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "object") return inert(JSON.stringify(v));
  return inert(String(v));
}

export function toCsv<Row extends object>(rows: readonly Row[], columns: readonly ReportColumn<Row>[]): string {
  const cols = columns.map((col) => (typeof col === "string" ? { key: col, header: col } : { key: col.key, header: col.header ?? col.key }));
  const records = rows.map((r) => cols.map((col) => cell((r as Record<string, unknown>)[col.key])));
  return stringify(records, { bom: true, header: true, columns: cols.map((col) => col.header), record_delimiter: "windows" });
}

/**
 * Send `rows` as JSON `{ report, ...meta, rows }` or as a CSV download named
 * `<name>-<today>.csv`. Only `columns` go into the CSV, in that order.
 * Typed loosely because the route's declared responses cover both media types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sendReport<Row extends object>(
  c: Context<AppEnv>,
  name: string,
  rows: readonly Row[],
  columns: readonly ReportColumn<Row>[],
  meta: Record<string, unknown> = {},
): any {
  rows = filterReportRows(rows, { name: c.req.query("name"), status: c.req.query("status") });
  if (!wantsCsv(c)) return c.json({ report: name, ...meta, rows }, 200);
  const deps = c.get("deps");
  const today = localDay(deps.clock.now(), deps.config.TZ_LOCAL);
  const safe = name.replace(/[^a-z0-9-]+/gi, "-");
  return c.body(toCsv(rows, columns), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${safe}-${today}.csv"`,
    "Cache-Control": "no-store",
  });
}
