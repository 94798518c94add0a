// CPython 3.13 test_socket.py: the sendmsg()/recvmsg() tests of ancillary
// data, ported: SCM_RIGHTS descriptor passing on Unix-domain streams
// (RecvmsgSCMRightsStreamTest, RecvmsgIntoSCMRightsStreamTest) and the RFC
// 3542 items of IPv6 over UDP (RecvmsgRFC3542AncillaryUDP6Test,
// RecvmsgIntoRFC3542AncillaryUDP6Test). The tests are the mixins of
// _sendrecvmsg.ts; each class here is CPython's concrete class, its bases
// applied in the order of CPython's MRO. Each testFoo runs on the test's
// thread and its _testFoo in a worker, at the same time (see _threaded.ts).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  IPV6_ENABLED,
  RecvmsgIntoMixin,
  requireSocket,
  RFC3542AncillaryTest,
  SCMRightsTest,
  SendrecvmsgBase,
  SendrecvmsgConnectedBase,
  SendrecvmsgConnectionlessBase,
  SendrecvmsgDgramFlagsBase,
  skipIfAny,
  skipUnless,
} from "./_sendrecvmsg.ts";
import {
  ConnectedStreamTestMixin,
  register,
  ThreadedSocketTestMixin,
  UDP6TestBase,
  UnixStreamBase,
} from "./_threaded.ts";

class SendrecvmsgUDP6TestBase extends SendrecvmsgDgramFlagsBase(
  SendrecvmsgConnectionlessBase(SendrecvmsgBase(ThreadedSocketTestMixin(UDP6TestBase))),
) {
  override checkRecvmsgAddress(addr1: unknown, addr2: unknown): void {
    // Called to compare the received address with the address of
    // the peer, ignoring scope ID
    assert.deepEqual((addr1 as unknown[]).slice(0, -1), (addr2 as unknown[]).slice(0, -1));
  }
}

// @requireAttrs(socket.socket, "recvmsg"): pysocket has it on Linux.
// @unittest.skipUnless(socket_helper.IPV6_ENABLED, 'IPv6 required for this test.')
// @requireAttrs(socket, "IPPROTO_IPV6")
// @requireSocket("AF_INET6", "SOCK_DGRAM")
const rfc3542 = skipIfAny(
  skipUnless(IPV6_ENABLED, "IPv6 required for this test."),
  skipUnless(socket.IPPROTO_IPV6 !== undefined, "socket module has no IPPROTO_IPV6"),
  requireSocket("AF_INET6", "SOCK_DGRAM"),
);

class RecvmsgRFC3542AncillaryUDP6Test extends RFC3542AncillaryTest(SendrecvmsgUDP6TestBase) {
  static skipReason = rfc3542;
}

class RecvmsgIntoRFC3542AncillaryUDP6Test
  extends RecvmsgIntoMixin(RFC3542AncillaryTest(SendrecvmsgUDP6TestBase)) {
  static skipReason = rfc3542;
}

class SendrecvmsgUnixStreamTestBase extends SendrecvmsgConnectedBase(
  SendrecvmsgBase(ConnectedStreamTestMixin(UnixStreamBase)),
) {}

// @requireAttrs(socket.socket, "sendmsg", "recvmsg")
// @requireAttrs(socket, "AF_UNIX", "SOL_SOCKET", "SCM_RIGHTS"): pysocket has them.
class RecvmsgSCMRightsStreamTest extends SCMRightsTest(SendrecvmsgUnixStreamTestBase) {}

class RecvmsgIntoSCMRightsStreamTest
  extends RecvmsgIntoMixin(SCMRightsTest(SendrecvmsgUnixStreamTestBase)) {}

for (
  const cls of [
    RecvmsgRFC3542AncillaryUDP6Test,
    RecvmsgIntoRFC3542AncillaryUDP6Test,
    RecvmsgSCMRightsStreamTest,
    RecvmsgIntoSCMRightsStreamTest,
  ]
) register(cls, import.meta.url);
