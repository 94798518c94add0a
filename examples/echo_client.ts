// Echo client program: the IPv4 echo client from Python's socket documentation
// (https://docs.python.org/3/library/socket.html#example), line for line. It
// sends "Hello, world" (or --message) and prints what came back, as Python's
// repr of bytes.
//
// Run: deno run --allow-ffi examples/echo_client.ts [--host 127.0.0.1] [--port 50007]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { flags, portOf, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("echo_client.ts");
const args = flags("echo_client.ts");
const HOST = args.host; // The remote host
const PORT = portOf(args.port, USAGE); // The same port as used by the server

let data: Uint8Array;
{
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.connect([HOST, PORT]);
  s.sendall(args.message);
  data = s.recv(1024);
}
console.log("Received", repr(data));
