/**
 * Python's `socketserver` module for Deno, on pysocket's sockets: servers
 * that hand each connection (or datagram) to a request handler.
 *
 * ```ts
 * import * as socketserver from "@pysocket/pysocket/socketserver";
 *
 * class MyTCPHandler extends socketserver.BaseRequestHandler<import("./mod.ts").Socket> {
 *   override handle() {
 *     const data = this.request.recv(1024);
 *     this.request.sendall(data); // echo
 *   }
 * }
 *
 * using server = new socketserver.TCPServer(["127.0.0.1", 0], MyTCPHandler);
 * const serving = server.serve_forever();
 * await server.shutdown();
 * await serving;
 * ```
 *
 * serve_forever() returns a promise: it waits for requests on the reactor,
 * so timers and signal handlers run meanwhile and can call shutdown().
 *
 * @module
 */

export {
  type AnyServer,
  AsyncTaskMixIn,
  type AsyncTasks,
  type AsyncTaskServerClass,
  AsyncTaskTCPServer,
  AsyncTaskUDPServer,
  BaseRequestHandler,
  BaseServer,
  BytesIO,
  DatagramRequestHandler,
  type HandlerClass,
  type Request,
  type RequestHandler,
  type ServerClass,
  SocketWriter,
  StreamRequestHandler,
  TCPServer,
  UDPServer,
  UnixDatagramServer,
  UnixStreamServer,
} from "./lib/socketserver.ts";
