// Child process of the SIGPIPE test: with SIGPIPE's default action in force
// (a listener for it came and went, which makes Deno restore it), every way
// of writing to a peer that has gone must give BrokenPipeError, not kill the
// process. Prints one line per way, then "alive".
import * as socket from "../mod.ts";

const listener = () => {};
Deno.addSignalListener("SIGPIPE", listener);
Deno.removeSignalListener("SIGPIPE", listener);

const file = Deno.makeTempFileSync();
Deno.writeTextFileSync(file, "x".repeat(100_000));
const ways: [string, (s: socket.Socket) => unknown][] = [
  ["send", (s) => s.send("x")],
  ["sendall", (s) => s.sendall(new Uint8Array(100_000))],
  ["sendmsg", (s) => s.sendmsg(["x"])],
  ["sendfile", (s) => s.sendfile(file)],
  ["makefile", (s) => s.makefile("wb", 0).write("x")],
];
for (const [name, write] of ways) {
  using srv = socket.create_server(["127.0.0.1", 0]);
  using s = socket.create_connection(srv.getsockname());
  srv.accept()[0].close();
  s.settimeout(5);
  try {
    // The first write may still reach the kernel before the reset arrives.
    for (let i = 0; i < 100; i++) write(s);
    console.log(name, "no error");
  } catch (e) {
    console.log(name, (e as Error).name);
  }
}
{
  using srv = socket.create_server(["127.0.0.1", 0]);
  using s = socket.create_connection(srv.getsockname());
  srv.accept()[0].close();
  s.setblocking(false);
  try {
    for (let i = 0; i < 100; i++) await socket.sock_sendall(s, "x");
    console.log("sock_sendall", "no error");
  } catch (e) {
    console.log("sock_sendall", (e as Error).name);
  }
}
Deno.removeSync(file);
console.log("alive");
