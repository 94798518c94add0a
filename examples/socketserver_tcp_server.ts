// The TCP server of Python's socketserver documentation: a BaseRequestHandler
// whose handle() reads one message, prints it, and sends it back upper-cased,
// served by TCPServer.serve_forever(). Ctrl-C calls shutdown() (in Python it
// raises KeyboardInterrupt out of serve_forever()).
//
// Run: deno run --allow-ffi examples/socketserver_tcp_server.ts [--host localhost] [--port 9999]

import "./_preflight.ts";
import * as socketserver from "../socketserver.ts";
import type * as socket from "../mod.ts";
import { announce, flags, portOf, repr, usageOf, whenInterrupted } from "./_cli.ts";

const USAGE = usageOf("socketserver_tcp_server.ts");
const args = flags("socketserver_tcp_server.ts");

class MyTCPHandler extends socketserver.BaseRequestHandler<socket.Socket> {
  // The request handler class for our server. It is instantiated once per
  // connection to the server, and must override handle() to implement
  // communication to the client.
  data: Uint8Array = new Uint8Array(0);

  override handle(): void {
    // this.request is the TCP socket connected to the client
    this.data = strip(this.request.recv(1024));
    console.log(`${(this.client_address as [string, number])[0]} wrote:`);
    console.log(repr(this.data));
    // just send back the same data, but upper-cased
    this.request.sendall(new TextDecoder().decode(this.data).toUpperCase());
  }
}

/** Python's bytes.strip(): without the whitespace at both ends. */
function strip(b: Uint8Array): Uint8Array {
  const space = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  let start = 0, end = b.length;
  while (start < end && space(b[start])) start++;
  while (end > start && space(b[end - 1])) end--;
  return b.subarray(start, end);
}

const [HOST, PORT] = [args.host, portOf(args.port, USAGE)];
// Create the server, binding to localhost on port 9999
using server = new socketserver.TCPServer([HOST, PORT], MyTCPHandler);
announce(server.socket);
whenInterrupted(() => server.shutdown());
// Activate the server; this will keep running until you
// interrupt the program with Ctrl-C
await server.serve_forever();
console.log("stopped");
