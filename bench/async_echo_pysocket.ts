// The async echo server of the reactor benchmark, on pysocket's sock_* calls:
// `await sock_recv(conn, 65536)` as asyncio programs write it, or with
// "into", the tuned variant, sock_recv_into a buffer of the connection's own.
// Prints "ready PORT"; on SIGINT prints "late MS" (how late a 10 ms interval
// ran at worst, from the first connection on) and exits.
import * as socket from "../mod.ts";
import { watchLateness } from "./_lateness.ts";

const into = Deno.args[0] === "into";
const server = socket.create_server(["127.0.0.1", 0], { backlog: 4096 });
server.setblocking(false);
const begin = watchLateness();
console.log("ready", server.getsockname()[1]);

async function echo(conn: socket.Socket): Promise<void> {
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  for (;;) {
    const data = await socket.sock_recv(conn, 65536);
    if (data.length === 0) break;
    await socket.sock_sendall(conn, data);
  }
  conn.close();
}

async function echoInto(conn: socket.Socket): Promise<void> {
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await socket.sock_recv_into(conn, buf);
    if (n === 0) break;
    await socket.sock_sendall(conn, buf.subarray(0, n));
  }
  conn.close();
}

for (;;) {
  const [conn] = await socket.sock_accept(server);
  begin();
  conn.setblocking(false);
  (into ? echoInto(conn) : echo(conn)).catch(() => conn.close());
}
