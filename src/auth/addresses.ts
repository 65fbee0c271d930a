// The client's address behind reverse proxies. Each proxy appends the address it
// received the request from to X-Forwarded-For, so only hops added by proxies we
// trust are true; anything to their left may have been written by the client.
import { BlockList, isIP } from "node:net";

/** "[2001:db8::1]:443" → "2001:db8::1", "198.51.100.7:80" → "198.51.100.7", "::ffff:10.0.0.5" → "10.0.0.5". */
export function normaliseAddress(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return isIP(a) ? a.toLowerCase() : a.slice(0, 64);
}

/** Why an entry of TRUSTED_PROXIES is not an address or CIDR range, or undefined. */
export function trustedProxyProblem(entry: string): string | undefined {
  const [addr, prefix, extra] = entry.split("/");
  const v = isIP(addr ?? "");
  if (!v || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix !== undefined) {
    const n = Number(prefix);
    if (!/^\d+$/.test(prefix) || n > (v === 4 ? 32 : 128)) return `"${entry}" has a bad prefix length`;
  }
  return undefined;
}

const lists = new WeakMap<readonly string[], BlockList>();
function blockList(entries: readonly string[]): BlockList {
  let list = lists.get(entries);
  if (!list) {
    list = new BlockList();
    for (const e of entries) {
      const [addr, prefix] = e.split("/") as [string, string | undefined];
      const type = isIP(addr) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) list.addAddress(addr, type);
      else list.addSubnet(addr, Number(prefix), type);
    }
    lists.set(entries, list);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const v = isIP(address);
  return v !== 0 && list.check(address, v === 6 ? "ipv6" : "ipv4");
}

/**
 * The client address, given the X-Forwarded-For header and the socket's peer
 * (undefined for an in-process request, taken as our proxy).
 * - `trusted` unset: exactly one proxy (the peer) is trusted, so the client is
 *   the right-most hop, the one that proxy added.
 * - `trusted` set: walk from the right past every hop (the peer included) that
 *   a trusted proxy could have added; the first other is the client. If every hop
 *   is trusted, the left-most.
 */
export function clientAddressFrom(forwardedFor: string | undefined, peer: string | undefined, trusted: readonly string[] | undefined): string {
  const hops = (forwardedFor ?? "").split(",").map((h) => h.trim()).filter(Boolean).map(normaliseAddress);
  const peerAddress = peer ? normaliseAddress(peer) : undefined;
  if (!trusted) return hops.at(-1) ?? peerAddress ?? "unknown";
  const list = blockList(trusted);
  if (peerAddress && !isTrusted(list, peerAddress)) return peerAddress;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrusted(list, hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? peerAddress ?? "unknown";
}

/**
 * The key an address is throttled under. One IPv6 client usually holds a whole /64,
 * so its addresses count as one (else each would be a fresh address, unthrottled).
 */
export function throttleKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
