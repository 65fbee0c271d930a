// Which push services a subscription may point at. A subscription's endpoint is a
// URL the server will POST to, so an unchecked one would let any signed-in user
// make the server call an internal address (SSRF). Pure: a URL and a list in,
// a reason out.
import { isIP } from "node:net";

/**
 * Why `endpoint` may not be used, or null when it may. `allowed` holds entries
 * `host` (port 443), `host:port`, or `*.suffix` (any name under suffix, port 443).
 * Only https. IP addresses, localhost and dotless names match only an exact entry;
 * a wildcard never matches them.
 */
export function endpointRefusal(endpoint: string, allowed: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "must be an https URL";
  if (url.username || url.password) return "must not carry credentials";
  // WHATWG parsing has already normalised hex/octal IPv4 forms and case.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? 443 : Number(url.port);
  const internal = isIP(host) !== 0 || host === "localhost" || host.endsWith(".localhost") || !host.includes(".") || host.endsWith(".");
  for (const raw of allowed) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.startsWith("*.")) {
      const suffix = entry.slice(1); // ".notify.windows.com"
      if (!internal && port === 443 && host.endsWith(suffix) && host.length > suffix.length) return null;
      continue;
    }
    const { host: eh, port: ep } = splitEntry(entry);
    if (eh === host && ep === port) return null;
  }
  return internal ? "is an internal address, not a push service" : "is not an allowed push service (PUSH_ALLOWED_HOSTS)";
}

function splitEntry(entry: string): { host: string; port: number } {
  // [v6]:port, v6 alone, host:port, host
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : 443 };
  if (isIP(entry) === 6) return { host: entry, port: 443 };
  const i = entry.lastIndexOf(":");
  if (i > 0 && /^\d+$/.test(entry.slice(i + 1))) return { host: entry.slice(0, i), port: Number(entry.slice(i + 1)) };
  return { host: entry, port: 443 };
}
