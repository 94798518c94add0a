// The timer check both async echo servers of the benchmark run: a 10 ms
// interval notes how late it fires at worst; SIGINT prints "late MS" and
// ends the server.

/**
 * Starts the 10 ms interval and the SIGINT handler that reports it. Returns
 * `begin`, which the server calls when its first connection arrives: the
 * worst lateness counts from then, since the target is about the run, and
 * Deno's first interval tick after start-up comes 10–15 ms late in a server
 * with no socket at all.
 */
export function watchLateness(): () => void {
  let late = 0, last = performance.now(), begun = false;
  const timer = setInterval(() => {
    const t = performance.now();
    if (begun) late = Math.max(late, t - last - 10);
    last = t;
  }, 10);
  Deno.addSignalListener("SIGINT", () => {
    clearInterval(timer);
    console.log(`late ${late.toFixed(1)}`);
    Deno.exit(0);
  });
  return () => {
    if (begun) return;
    begun = true;
    last = performance.now();
  };
}
