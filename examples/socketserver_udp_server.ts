// The UDP server of Python's socketserver documentation: a handler that
// receives self.request as [data, socket], prints the data, and sends it
// back upper-cased, served by UDPServer.serve_forever() until Ctrl-C.
//
// Run: deno run --allow-ffi examples/socketserver_udp_server.ts [--host localhost] [--port 9999]

import "./_preflight.ts";
import * as socketserver from "../socketserver.ts";
import type * as socket from "../mod.ts";
import { announce, flags, portOf, repr, usageOf, whenInterrupted } from "./_cli.ts";

const USAGE = usageOf("socketserver_udp_server.ts");
const args = flags("socketserver_udp_server.ts");

class MyUDPHandler extends socketserver.BaseRequestHandler<[Uint8Array, socket.Socket]> {
  // This class works similar to the TCP handler class, except that
  // this.request consists of a pair of data and client socket, and since
  // there is no connection the client address must be given explicitly
  // when sending data back via sendto().
  override handle(): void {
    const data = new TextDecoder().decode(this.request[0]).trim();
    const sock = this.request[1];
    console.log(`${(this.client_address as [string, number])[0]} wrote:`);
    console.log(repr(new TextEncoder().encode(data)));
    sock.sendto(data.toUpperCase(), this.client_address);
  }
}

const [HOST, PORT] = [args.host, portOf(args.port, USAGE)];
using server = new socketserver.UDPServer([HOST, PORT], MyUDPHandler);
announce(server.socket);
whenInterrupted(() => server.shutdown());
await server.serve_forever();
console.log("stopped");
