// Runs the example programs as separate processes, for the demo and the
// tests: start a server, wait for its "listening on" line, run a client,
// stop the server with Ctrl-C (SIGINT) and collect what each printed.

const EXAMPLES = new URL(".", import.meta.url);

/** What a finished program printed and how it ended. */
export interface Finished {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** How to start an example. */
export interface RunOptions {
  /** Deno's permission flags (default: --allow-ffi). */
  permissions?: string[];
  /** A command to run it under, such as `ip netns exec NAME`. */
  prefix?: string[];
}

function command(script: string, args: string[], options: RunOptions): Deno.Command {
  const permissions = options.permissions ?? ["--allow-ffi"];
  const deno = [Deno.execPath(), "run", "--quiet", ...permissions];
  const [program, ...rest] = [...options.prefix ?? [], ...deno];
  return new Deno.Command(program, {
    args: [...rest, new URL(script, EXAMPLES).pathname, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs an example to the end. */
export async function run(
  script: string,
  args: string[] = [],
  options: RunOptions = {},
): Promise<Finished> {
  const out = await command(script, args, options).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

/** A running example whose output lines are collected as they come. */
export class Program {
  readonly lines: string[] = [];
  readonly #process: Deno.ChildProcess;
  readonly #stdout: Promise<void>;
  readonly #stderr: Promise<string>;
  #wake: () => void = () => {};
  #ended = false;

  /** Starts `script` (a file name under examples/) with `args`. */
  constructor(script: string, args: string[] = [], options: RunOptions = {}) {
    this.#process = command(script, args, options).spawn();
    this.#stdout = this.#collect();
    this.#stderr = new Response(this.#process.stderr).text();
  }

  async #collect(): Promise<void> {
    let rest = "";
    for await (const chunk of this.#process.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      this.lines.push(...parts);
      this.#wake();
    }
    if (rest) this.lines.push(rest);
    this.#ended = true;
    this.#wake();
  }

  /** The process id. */
  get pid(): number {
    return this.#process.pid;
  }

  /**
   * Waits until `count` lines match `pattern` and returns their matches.
   * Throws when the program ends first or `seconds` pass.
   */
  async expect(pattern: RegExp, count = 1, seconds = 15): Promise<RegExpMatchArray[]> {
    const deadline = Date.now() + seconds * 1000;
    while (true) {
      const found = this.lines.map((l) => l.match(pattern)).filter((m) => m !== null);
      if (found.length >= count) return found.slice(0, count);
      if (this.#ended || Date.now() > deadline) {
        const why = this.#ended ? "ended" : "timed out";
        const err = this.#ended ? await this.#stderr : "";
        throw new Error(`${why} waiting for ${pattern}; output:\n${this.lines.join("\n")}\n${err}`);
      }
      const woken = new Promise<void>((resolve) => this.#wake = resolve);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([woken, new Promise((r) => timer = setTimeout(r, 100))]);
      clearTimeout(timer);
    }
  }

  /** Waits for the "listening on HOST:PORT" lines and returns [host, port] pairs. */
  async listening(count = 1): Promise<[string, number][]> {
    const found = await this.expect(/^listening on (.*):(\d+)$/, count);
    return found.map((m) => [m[1], Number(m[2])]);
  }

  /** The first listening port. */
  async port(): Promise<number> {
    return (await this.listening())[0][1];
  }

  /** Sends `signal` (Ctrl-C by default) and waits for the program to end. */
  async stop(signal: Deno.Signal = "SIGINT"): Promise<Finished> {
    try {
      this.#process.kill(signal);
    } catch {
      // it has ended already
    }
    return await this.finished();
  }

  /** Waits for the program to end by itself. */
  async finished(): Promise<Finished> {
    const status = await this.#process.status;
    await this.#stdout;
    return {
      code: status.code,
      signal: status.signal,
      stdout: this.lines.join("\n"),
      stderr: await this.#stderr,
    };
  }
}
