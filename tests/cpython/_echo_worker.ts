/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
// CreateServerFunctionalTest.echo_server's thread: takes a listening
// socket's descriptor (a dup of the test's, which the thread owns and
// closes, as its `with sock:`), accepts one connection, echoes what it
// receives once, and posts what it threw.

import * as socket from "../../mod.ts";

self.onmessage = (
  e: MessageEvent<{ fd: number; family: number; timeout: number }>,
) => {
  const { fd, family, timeout } = e.data;
  try {
    // def run(sock): with sock: ...
    using sock = socket.socket(family, socket.SOCK_STREAM, 0, fd);
    sock.settimeout(timeout);
    const [conn] = sock.accept();
    {
      using _conn = conn;
      // (event.wait(self.timeout): the event is set as soon as the thread
      // starts; here the worker starts once the message that starts it has come.)
      const msg = conn.recv(1024);
      if (msg.length !== 0) conn.sendall(msg);
    }
    self.postMessage({ error: null });
  } catch (err) {
    self.postMessage({ error: `${(err as Error).name}: ${(err as Error).message}` });
  }
};
