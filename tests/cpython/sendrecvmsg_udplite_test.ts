// CPython 3.13 test_socket.py: the sendmsg()/recvmsg() tests over UDPLITE,
// on IPv4 and IPv6, ported (SendmsgUDPLITETest ...
// RecvmsgIntoRFC3542AncillaryUDPLITE6Test). The tests are the mixins of
// _sendrecvmsg.ts; each class here is CPython's concrete class, its bases
// applied in the order of CPython's MRO. Each testFoo runs on the test's
// thread and its _testFoo in a worker, at the same time (see _threaded.ts).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  IPV6_ENABLED,
  RecvmsgIntoMixin,
  RecvmsgIntoTests,
  RecvmsgTests,
  requireSocket,
  RFC3542AncillaryTest,
  SendmsgConnectionlessTests,
  SendrecvmsgBase,
  SendrecvmsgConnectionlessBase,
  SendrecvmsgDgramFlagsBase,
  skipIfAny,
  skipUnless,
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
// (a static skipReason is inherited, as the decorator's mark is)
const udplite = skipUnless(HAVE_SOCKET_UDPLITE, "UDPLITE sockets required for this test.");

class SendrecvmsgUDPLITETestBase extends SendrecvmsgDgramFlagsBase(
  SendrecvmsgConnectionlessBase(SendrecvmsgBase(ThreadedSocketTestMixin(UDPLITETestBase))),
) {
  static skipReason = udplite;
}

// @requireAttrs(socket.socket, "sendmsg"), and "recvmsg", "recvmsg_into"
// below: pysocket has them on Linux.
class SendmsgUDPLITETest extends SendmsgConnectionlessTests(SendrecvmsgUDPLITETestBase) {}

class RecvmsgUDPLITETest extends RecvmsgTests(SendrecvmsgUDPLITETestBase) {}

class RecvmsgIntoUDPLITETest extends RecvmsgIntoTests(SendrecvmsgUDPLITETestBase) {}

// @unittest.skipUnless(HAVE_SOCKET_UDPLITE,
//           'UDPLITE sockets required for this test.')
class SendrecvmsgUDPLITE6TestBase extends SendrecvmsgDgramFlagsBase(
  SendrecvmsgConnectionlessBase(SendrecvmsgBase(ThreadedSocketTestMixin(UDPLITE6TestBase))),
) {
  static skipReason = udplite;

  override checkRecvmsgAddress(addr1: unknown, addr2: unknown): void {
    // Called to compare the received address with the address of
    // the peer, ignoring scope ID
    assert.deepEqual((addr1 as unknown[]).slice(0, -1), (addr2 as unknown[]).slice(0, -1));
  }
}

// @unittest.skipUnless(socket_helper.IPV6_ENABLED, 'IPv6 required for this test.')
// @unittest.skipUnless(HAVE_SOCKET_UDPLITE,
//           'UDPLITE sockets required for this test.')
// @requireSocket("AF_INET6", "SOCK_DGRAM")
const udplite6 = skipIfAny(
  skipUnless(IPV6_ENABLED, "IPv6 required for this test."),
  udplite,
  requireSocket("AF_INET6", "SOCK_DGRAM"),
);

class SendmsgUDPLITE6Test extends SendmsgConnectionlessTests(SendrecvmsgUDPLITE6TestBase) {
  static override skipReason = udplite6;
}

class RecvmsgUDPLITE6Test extends RecvmsgTests(SendrecvmsgUDPLITE6TestBase) {
  static override skipReason = udplite6;
}

class RecvmsgIntoUDPLITE6Test extends RecvmsgIntoTests(SendrecvmsgUDPLITE6TestBase) {
  static override skipReason = udplite6;
}

// (and @requireAttrs(socket, "IPPROTO_IPV6"))
const rfc3542 = skipIfAny(
  udplite6,
  skipUnless(socket.IPPROTO_IPV6 !== undefined, "socket module has no IPPROTO_IPV6"),
);

class RecvmsgRFC3542AncillaryUDPLITE6Test
  extends RFC3542AncillaryTest(SendrecvmsgUDPLITE6TestBase) {
  static override skipReason = rfc3542;
}

class RecvmsgIntoRFC3542AncillaryUDPLITE6Test
  extends RecvmsgIntoMixin(RFC3542AncillaryTest(SendrecvmsgUDPLITE6TestBase)) {
  static override skipReason = rfc3542;
}

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
