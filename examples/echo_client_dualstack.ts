// Echo client program, IPv4 and IPv6: the second client of Python's socket
// documentation (https://docs.python.org/3/library/socket.html#example). It
// walks the getaddrinfo() results and uses the first address that connects,
// saying on stderr why each earlier one failed.
//
// Run: deno run --allow-ffi examples/echo_client_dualstack.ts [--host localhost] [--port 50007]

import "./_preflight.ts";
import * as socket from "../mod.ts";
import { flags, portOf, repr, usageOf } from "./_cli.ts";

const USAGE = usageOf("echo_client_dualstack.ts");
const args = flags("echo_client_dualstack.ts");
const HOST = args.host; // The remote host
const PORT = portOf(args.port, USAGE); // The same port as used by the server

let s: socket.Socket | null = null;
for (
  const [af, socktype, proto, _canonname, sa] of socket.getaddrinfo(
    HOST,
    PORT,
    socket.AF_UNSPEC,
    socket.SOCK_STREAM,
  )
) {
  try {
    s = socket.socket(af, socktype, proto);
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    s = null;
    continue;
  }
  try {
    s.connect(sa);
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    console.error(`could not connect to ${repr(sa)}: ${e.message}`);
    s.close();
    s = null;
    continue;
  }
  break;
}
if (s === null) {
  console.log("could not open socket");
  Deno.exit(1);
}
let data: Uint8Array;
{
  using _s = s;
  s.sendall(args.message);
  data = s.recv(1024);
}
console.log("Received", repr(data));
