// The timer check both async echo servers of the benchmark run: a 10 ms
// interval notes how late it fires at worst; SIGINT prints "late MS" and
// ends the server.

/** Starts the 10 ms interval and the SIGINT handler that reports it. */
export function watchLateness(): void {
  let late = 0, last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    late = Math.max(late, t - last - 10);
    last = t;
  }, 10);
  Deno.addSignalListener("SIGINT", () => {
    clearInterval(timer);
    console.log(`late ${late.toFixed(1)}`);
    Deno.exit(0);
  });
}
