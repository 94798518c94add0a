// Every example's flags in one table: each flag's placeholder and default.
// The usage lines, the defaults they show and the parser all come from here.
// Nothing here may import pysocket: `--help` and bad flags are answered from
// this table before pysocket loads (see _preflight.ts), with no permission.

import { parseArgs } from "node:util";

/** A flag: its placeholder and default, or a switch (`false`). */
type Flag = readonly [placeholder: string, fallback: string] | false;

// A file: URL's path; on Windows "/C:/..." loses its first slash.
const www = decodeURIComponent(new URL("./www", import.meta.url).pathname)
  .replace(/^\/([A-Za-z]:)/, "$1");

const server = { host: ["HOST", "127.0.0.1"], port: ["PORT", "50007"] } as const;
const client = { ...server, message: ["TEXT", "Hello, world"] } as const;
const web = {
  host: ["HOST", "127.0.0.1"],
  port: ["PORT", "8000"],
  root: ["FOLDER", www],
  timeout: ["SECONDS", "5"],
  "header-timeout": ["SECONDS", "10"],
  quiet: false,
} as const;

/** The flags of each example, by file name. */
export const SCRIPTS = {
  "async_echo_server.ts": server,
  "async_web_server.ts": web,
  "demo.ts": {},
  "echo_client.ts": client,
  "echo_client_dualstack.ts": { ...client, host: ["HOST", "localhost"] },
  "echo_server.ts": server,
  "echo_server_dualstack.ts": { ...server, host: ["HOSTS", "127.0.0.1,::1"] },
  "multicast_receiver.ts": {
    group: ["ADDR", "224.1.1.1"],
    port: ["PORT", "5007"],
    interface: ["ADDR", "0.0.0.0"],
    count: ["N", "0"],
  },
  "multicast_sender.ts": {
    group: ["ADDR", "224.1.1.1"],
    port: ["PORT", "5007"],
    interface: ["ADDR", "0.0.0.0"],
    ttl: ["N", "1"],
    count: ["N", "3"],
    interval: ["SECONDS", "0.2"],
    message: ["TEXT", "robot"],
  },
  "select_server.ts": { ...server, mode: ["echo|chat", "echo"] },
  "selectors_echo_server.ts": { ...server, port: ["PORT", "1234"] },
  "sniffer.ts": { interface: ["NAME", ""], count: ["N", "0"] },
  "socketserver_tcp_server.ts": { host: ["HOST", "localhost"], port: ["PORT", "9999"] },
  "socketserver_udp_server.ts": { host: ["HOST", "localhost"], port: ["PORT", "9999"] },
  "socket_options.ts": { json: false },
  "udp_echo_client.ts": {
    host: ["HOST", "127.0.0.1"],
    port: ["PORT", "50007"],
    count: ["N", "5"],
    timeout: ["SECONDS", "1"],
    message: ["TEXT", "ping"],
  },
  "udp_echo_server.ts": server,
  "waiting_server.ts": server,
  "web_server.ts": web,
} as const satisfies Record<string, Record<string, Flag>>;

/** An example's file name. */
export type Script = keyof typeof SCRIPTS;

/** The values of an example's flags: strings, and booleans for switches. */
export type Values<S extends Script> = {
  -readonly [K in keyof (typeof SCRIPTS)[S]]: (typeof SCRIPTS)[S][K] extends false ? boolean
    : string;
};

/** The defaults of an example's flags. */
export function defaultsOf<S extends Script>(script: S): Values<S> {
  const spec: Record<string, Flag> = SCRIPTS[script];
  return Object.fromEntries(
    Object.entries(spec).map(([name, flag]) => [name, flag === false ? false : flag[1]]),
  ) as Values<S>;
}

/** An example's usage: its flags, then their defaults. */
export function usageOf(script: Script): string {
  const spec: Record<string, Flag> = SCRIPTS[script];
  const entries = Object.entries(spec);
  const usage = [`usage: ${script}`, "[--help]"];
  const defaults: string[] = [];
  for (const [name, flag] of entries) {
    usage.push(flag === false ? `[--${name}]` : `[--${name} ${flag[0]}]`);
    if (flag !== false) {
      defaults.push(`--${name} ${/^[^\s"']+$/.test(flag[1]) ? flag[1] : JSON.stringify(flag[1])}`);
    }
  }
  return usage.join(" ") + (defaults.length ? `\ndefaults: ${defaults.join(" ")}` : "");
}

/**
 * Parses an example's flags: `--name value`, and `--name` for a switch. A bad
 * flag prints the problem and the usage, and exits with status 2.
 */
export function parseFlags<S extends Script>(script: S): Values<S> {
  const defaults = defaultsOf(script);
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, value] of Object.entries(defaults)) {
    options[name] = { type: typeof value === "boolean" ? "boolean" : "string" };
  }
  try {
    const { values } = parseArgs({ args: Deno.args, options, strict: true });
    return { ...defaults, ...values };
  } catch (e) {
    return usageError(usageOf(script), (e as Error).message);
  }
}

/** Prints a problem with the command line and the usage; exits with status 2. */
export function usageError(usage: string, problem: string): never {
  console.error(`error: ${problem}\n${usage}`);
  Deno.exit(2);
}
