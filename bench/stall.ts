// The longest the event loop went without turning while f ran: a 1 ms interval's
// longest gap, less the 1 ms. (monitorEventLoopDelay's histogram, reset per run,
// missed synchronous blocks here; this drift probe cannot.) Shared by the benches.
export async function withStallProbe<T>(f: () => Promise<T> | T): Promise<{ out: T; stall: number }> {
  let last = performance.now();
  let longest = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  try {
    await new Promise((r) => setTimeout(r, 20)); // let the probe settle
    last = performance.now();
    longest = 0;
    const out = await f();
    await new Promise((r) => setTimeout(r, 5)); // a stall at the very end shows at the next tick
    return { out, stall: Math.max(0, longest) };
  } finally {
    clearInterval(probe);
  }
}
