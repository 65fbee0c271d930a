import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The static files, read once at start-up: a fixed list, so no path from a URL reaches the disk. */
const DIR = fileURLToPath(new URL("./static/", import.meta.url));

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  webmanifest: "application/manifest+json",
};

export const STATIC_FILES = [
  "app.css",
  "common.js",
  "outbox.js",
  "login.js",
  "home.js",
  "visit.js",
  "board.js",
  "rota.js",
  "docs.js",
  "icon.svg",
  "icon-192.png",
  "icon-512.png",
  "manifest.webmanifest",
  "sw.js",
] as const;

export interface StaticFile {
  body: Uint8Array;
  type: string;
}

const cache = new Map<string, StaticFile>();

export function staticFile(name: string): StaticFile | undefined {
  if (!(STATIC_FILES as readonly string[]).includes(name)) return undefined;
  let f = cache.get(name);
  if (!f) {
    try {
      f = { body: new Uint8Array(readFileSync(join(DIR, name))), type: TYPES[name.split(".").pop()!] ?? "application/octet-stream" };
    } catch {
      return undefined;
    }
    cache.set(name, f);
  }
  return f;
}
