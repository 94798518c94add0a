// CPython 3.13 test_socket.py: InterruptedRecvTimeoutTest and
// InterruptedSendTimeoutTest, listed and skipped, with the reason.
//
// Test interrupting the interruptible send/receive methods with a
// signal when a timeout is set.
//
// What CPython checks, and all it checks: InterruptedTimeoutBase.setUp
// installs a SIGALRM handler that raises (`lambda signum, frame: 1 / 0`),
// setitimer fires 0.05 s into a recv*() on a UDP socket with no data, or
// into a send*() loop on a TCP socket whose peer does not read (timeout
// LOOPBACK_TIMEOUT, 10 s), and the call must end in the handler's
// ZeroDivisionError: CPython runs signal handlers on the main thread between
// bytecodes, and its socket calls check for them when the system call
// returns EINTR.
//
// That cannot be ported. Deno runs a signal listener (Deno.addSignalListener)
// as an event-loop task, never inside a synchronous call: a SIGALRM that
// interrupts pysocket's blocked poll() (the signal does interrupt it: aimed
// at the test's thread with tgkill, see test_sendall_interrupted_with_timeout
// in general_module_test.ts) gives EINTR to pysocket, which retries with the
// time left (PEP 475, as CPython does when the handler returns normally),
// and the listener runs only after the call has returned. So no handler can
// raise out of the call, and the call ends at its timeout or its data. There
// is no part of these tests left to run: their one assertion is the
// handler's exception. What a SIGALRM does to a blocked call with a timeout
// in pysocket (the timeout holds, TimeoutError at its end) is checked by
// test_sendall_interrupted_with_timeout.

// The reason, in one line (the ledger's): a SIGALRM handler cannot raise out
// of a blocked call: Deno runs signal listeners between event-loop tasks,
// never inside a synchronous FFI call, and pysocket retries the EINTR (PEP
// 475); the test's one assertion is the handler's ZeroDivisionError out of
// the call.
//
// (Checked on this machine: a UDP recv() with settimeout(1.0), a SIGALRM
// listener, and the signal aimed at the thread with tgkill 0.3 s in: recv
// raises TimeoutError at 1.0 s, and the listener runs once, after it.)

function test(cls: string, name: string): void {
  Deno.test({ name: `${cls}.${name}`, ignore: true, fn: () => {} });
}

// Require siginterrupt() in order to ensure that system calls are
// interrupted by default.
// CPython: requireAttrs(signal, "siginterrupt"), skipUnless(signal.alarm or
// signal.setitimer): it runs the two classes on Linux.
// InterruptedRecvTimeoutTest(InterruptedTimeoutBase, UDPTestBase):
// checkInterruptedRecv(self.serv.<method>, ...) for each method below.
for (
  const name of [
    "testInterruptedRecvTimeout", // self.serv.recv, 1024
    "testInterruptedRecvIntoTimeout", // self.serv.recv_into, bytearray(1024)
    "testInterruptedRecvfromTimeout", // self.serv.recvfrom, 1024
    "testInterruptedRecvfromIntoTimeout", // self.serv.recvfrom_into, bytearray(1024)
    "testInterruptedRecvmsgTimeout", // requireAttrs(socket.socket, "recvmsg"): self.serv.recvmsg, 1024
    "testInterruptedRecvmsgIntoTimeout", // requireAttrs(..., "recvmsg_into"): [bytearray(1024)]
  ]
) test("InterruptedRecvTimeoutTest", name);

// InterruptedSendTimeoutTest(InterruptedTimeoutBase, SocketListeningTestMixin,
// TCPTestBase): checkInterruptedSend(self.serv_conn.<method>, ...) in a loop.
// Issue #12958: The following tests have problems on OS X prior to 10.7
for (
  const name of [
    "testInterruptedSendTimeout", // self.serv_conn.send, b"a"*512
    "testInterruptedSendtoTimeout", // self.serv_conn.sendto, b"a"*512, self.serv_addr
    "testInterruptedSendmsgTimeout", // requireAttrs(..., "sendmsg"): self.serv_conn.sendmsg, [b"a"*512]
  ]
) test("InterruptedSendTimeoutTest", name);
