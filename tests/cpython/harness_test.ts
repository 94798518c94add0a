// The harness for CPython's threaded tests (_threaded.ts) reports what goes
// wrong in either half, and a test that would hang ends within its bound.
// These classes are not CPython's: they fail on purpose, so they are
// registered without tests of their own, and run here through runThreaded.

import assert from "node:assert/strict";
import { assertBytes, MSG, settledFds } from "./_support.ts";
import { register, runThreaded, SocketConnectedTest, ThreadedUDPSocketTest } from "./_threaded.ts";

const here = import.meta.url;

/** Both halves see each other's plain attributes and Events. */
class SharesState extends ThreadedUDPSocketTest {
  static harnessTimeout = 3;
  cli_addr!: [string, number];
  override clientSetUp(): void {
    super.clientSetUp();
    this.cli.bind(["127.0.0.1", 0]);
    this.cli_addr = this.cli.getsockname() as [string, number];
  }
  testState(): void {
    // cli_addr came from the client's clientSetUp, before client_ready.
    const [msg, addr] = this.serv.recvfrom(1024);
    assertBytes(msg, MSG);
    assert.deepEqual(addr, this.cli_addr);
    this.event.set();
  }
  _testState(): void {
    // port came from the server's setUp, with server_ready.
    this.cli.sendto(MSG, ["127.0.0.1", this.port]);
    assert.ok(this.event.wait(2), "the server's event reached the client");
  }
}

class ClientFails extends SocketConnectedTest {
  static harnessTimeout = 3;
  testIt(): void {
    assert.equal(this.cli_conn.recv(1024).length, 0);
  }
  _testIt(): void {
    this.serv_conn.shutdown(1);
    assert.equal(1, 2, "the client's assertion");
  }
}

class ServerFails extends SocketConnectedTest {
  static harnessTimeout = 3;
  testIt(): void {
    throw new Error("the server's error");
  }
  _testIt(): void {}
}

class SetUpCrashes extends SocketConnectedTest {
  static harnessTimeout = 3;
  override setUp(): void {
    throw new Error("setUp crashed");
  }
  override tearDown(): void {}
  override clientSetUp(): void {}
  override clientTearDown(): void {
    this.done.set();
  }
  testIt(): void {}
  _testIt(): void {
    throw new Error("the client must not run after the server crashed");
  }
}

/** Both halves block in recv() on each other: only the watchdog ends it. */
class Deadlock extends SocketConnectedTest {
  static harnessTimeout = 1;
  testIt(): void {
    this.cli_conn.recv(1024);
  }
  _testIt(): void {
    this.serv_conn.recv(1024);
  }
}

for (const cls of [SharesState, ClientFails, ServerFails, SetUpCrashes, Deadlock]) {
  register(cls, here, false);
}

Deno.test("harness: self's attributes and Events cross between the halves", async () => {
  await runThreaded(SharesState, "testState", here);
});

Deno.test("harness: the client half's exception fails the test", async () => {
  await assert.rejects(
    runThreaded(ClientFails, "testIt", here),
    /client half.*the client's assertion/,
  );
});

Deno.test("harness: the server half's exception fails the test, after the client finished", async () => {
  await assert.rejects(runThreaded(ServerFails, "testIt", here), /the server's error/);
});

Deno.test("harness: a crashed setUp fails the test, and the client half does not run", async () => {
  await assert.rejects(runThreaded(SetUpCrashes, "testIt", here), /setUp crashed/);
});

Deno.test({
  name: "harness: a deadlock ends within the bound, as a failure, and leaks no descriptor",
  ignore: Deno.build.os !== "linux", // the descriptor count reads /proc/self/fd
}, async () => {
  const before = await settledFds();
  const t0 = performance.now();
  await assert.rejects(runThreaded(Deadlock, "testIt", here), /watchdog: the test ran past 1 s/);
  assert.ok(performance.now() - t0 < 4000, "ended soon after the bound");
  assert.equal(await settledFds(), before);
});

Deno.test("harness: a client module that does not load fails the test at once", async () => {
  const t0 = performance.now();
  const missing = new URL("./_no_such_module.ts", import.meta.url).href;
  await assert.rejects(runThreaded(SharesState, "testState", missing), /client half/);
  assert.ok(performance.now() - t0 < 2000, "without waiting out the bound");
});
