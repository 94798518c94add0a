// CPython 3.13 test_socket.py: the sendmsg()/recvmsg() tests over UDPLITE,
// on IPv4 and IPv6, ported (SendmsgUDPLITETest ...
// RecvmsgIntoRFC3542AncillaryUDPLITE6Test). The tests are the mixins of
// _sendrecvmsg.ts; each class here is CPython's concrete class, its bases
// applied in the order of CPython's MRO. Each testFoo runs on the test's
// thread and its _testFoo in a worker, at the same time (see _threaded.ts).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  RecvmsgIntoMixin,
  RecvmsgIntoTests,
  RecvmsgTests,
  RFC3542AncillaryTest,
  SendmsgConnectionlessTests,
  SendrecvmsgBase,
  SendrecvmsgConnectionlessBase,
  SendrecvmsgDgramFlagsBase,
} from "./_sendrecvmsg.ts";
import {
  register,
  ThreadedSocketTestMixin,
  UDPLITE6TestBase,
  UDPLITETestBase,
} from "./_threaded.ts";

/** test_socket.HAVE_SOCKET_UDPLITE */
const HAVE_SOCKET_UDPLITE = socket.IPPROTO_UDPLITE !== undefined;

// @unittest.skipUnless(HAVE_SOCKET_UDPLITE,
//           'UDPLITE sockets required for this test.')
// (checked in setUp, before the sockets are made)
class SendrecvmsgUDPLITETestBase extends SendrecvmsgDgramFlagsBase(
  SendrecvmsgConnectionlessBase(SendrecvmsgBase(ThreadedSocketTestMixin(UDPLITETestBase))),
) {
  override setUp(): void {
    if (!HAVE_SOCKET_UDPLITE) this.skipTest("UDPLITE sockets required for this test.");
    super.setUp();
  }
}

// @requireAttrs(socket.socket, "sendmsg"), and "recvmsg", "recvmsg_into"
// below: pysocket has them on Linux.
class SendmsgUDPLITETest extends SendmsgConnectionlessTests(SendrecvmsgUDPLITETestBase) {}

class RecvmsgUDPLITETest extends RecvmsgTests(SendrecvmsgUDPLITETestBase) {}

class RecvmsgIntoUDPLITETest extends RecvmsgIntoTests(SendrecvmsgUDPLITETestBase) {}

// @unittest.skipUnless(HAVE_SOCKET_UDPLITE,
//           'UDPLITE sockets required for this test.')
// (and IPv6, which CPython's classes below require: this machine has it)
class SendrecvmsgUDPLITE6TestBase extends SendrecvmsgDgramFlagsBase(
  SendrecvmsgConnectionlessBase(SendrecvmsgBase(ThreadedSocketTestMixin(UDPLITE6TestBase))),
) {
  override setUp(): void {
    if (!HAVE_SOCKET_UDPLITE) this.skipTest("UDPLITE sockets required for this test.");
    super.setUp();
  }

  override checkRecvmsgAddress(addr1: unknown, addr2: unknown): void {
    // Called to compare the received address with the address of
    // the peer, ignoring scope ID
    assert.deepEqual((addr1 as unknown[]).slice(0, -1), (addr2 as unknown[]).slice(0, -1));
  }
}

class SendmsgUDPLITE6Test extends SendmsgConnectionlessTests(SendrecvmsgUDPLITE6TestBase) {}

class RecvmsgUDPLITE6Test extends RecvmsgTests(SendrecvmsgUDPLITE6TestBase) {}

class RecvmsgIntoUDPLITE6Test extends RecvmsgIntoTests(SendrecvmsgUDPLITE6TestBase) {}

class RecvmsgRFC3542AncillaryUDPLITE6Test
  extends RFC3542AncillaryTest(SendrecvmsgUDPLITE6TestBase) {}

class RecvmsgIntoRFC3542AncillaryUDPLITE6Test
  extends RecvmsgIntoMixin(RFC3542AncillaryTest(SendrecvmsgUDPLITE6TestBase)) {}

for (
  const cls of [
    SendmsgUDPLITETest,
    RecvmsgUDPLITETest,
    RecvmsgIntoUDPLITETest,
    SendmsgUDPLITE6Test,
    RecvmsgUDPLITE6Test,
    RecvmsgIntoUDPLITE6Test,
    RecvmsgRFC3542AncillaryUDPLITE6Test,
    RecvmsgIntoRFC3542AncillaryUDPLITE6Test,
  ]
) register(cls, import.meta.url);
