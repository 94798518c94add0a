"""Writes the class table of LEDGER.md (between its table markers).

Run with CPython 3.13, whose test suite it loads for the test counts:

    python3.13 tests/cpython/_ledger.py && deno fmt tests/cpython/LEDGER.md

Test counts come from unittest's loader (inherited tests included), CPython's
outcomes on this machine from cpython_3.13_results.txt, the port's status from
PORTED below, which is kept by hand as classes are ported.
"""

import ast
import collections
import pathlib
import re
import sys
import unittest

HERE = pathlib.Path(__file__).parent

# The port of the family classes, which pass in the kernel lane (.ci/kernel).
LANE = "../families/cpython_test.ts, in the kernel lane"
LANE_THREADED = "../families/cpython_threaded_test.ts, in the kernel lane"

# Class -> (file, pass, DEFECT, skipped with a reason in the port). Skipped
# counts tests the port ignores with a reason beside them, CPython's own
# platform skips included.
PORTED = {
    "GeneralModuleTests": ("general_module_test.ts", 66, 0, 10),
    "BasicTCPTest": ("basic_tcp_udp_test.ts", 10, 0, 0),
    "BasicUDPTest": ("basic_tcp_udp_test.ts", 3, 0, 0),
    "FileObjectClassTestCase": ("file_object_test.ts", 10, 0, 0),
    "UnbufferedFileObjectClassTestCase": ("file_object_test.ts", 14, 0, 1),
    "LineBufferedFileObjectClassTestCase": ("file_object_test.ts", 10, 0, 0),
    "SmallBufferedFileObjectClassTestCase": ("file_object_test.ts", 10, 0, 0),
    "UnicodeReadFileObjectClassTestCase": ("file_object_test.ts", 10, 0, 0),
    "UnicodeWriteFileObjectClassTestCase": ("file_object_test.ts", 10, 0, 0),
    "UnicodeReadWriteFileObjectClassTestCase": ("file_object_test.ts", 10, 0, 0),
    "SendfileUsingSendTest": ("sendfile_test.ts", 11, 0, 0),
    "SendfileUsingSendfileTest": ("sendfile_test.ts", 11, 0, 0),
    "TCPTimeoutTest": ("plain_classes_test.ts", 2, 0, 1),
    "UDPTimeoutTest": ("plain_classes_test.ts", 2, 0, 0),
    "TestExceptions": ("plain_classes_test.ts", 2, 0, 0),
    "InheritanceTest": ("plain_classes_test.ts", 7, 0, 0),
    "NonblockConstantTest": ("plain_classes_test.ts", 1, 0, 0),
    "TestLinuxAbstractNamespace": ("plain_classes_test.ts", 6, 0, 0),
    "TestUnixDomain": ("plain_classes_test.ts", 5, 0, 1),
    "CreateServerTest": ("plain_classes_test.ts", 5, 0, 0),
    "SendmsgUDPTest": ("sendrecvmsg_test.ts", 11, 0, 0),
    "RecvmsgUDPTest": ("sendrecvmsg_test.ts", 11, 0, 0),
    "RecvmsgIntoUDPTest": ("sendrecvmsg_test.ts", 14, 0, 0),
    "SendmsgUDP6Test": ("sendrecvmsg_test.ts", 11, 0, 0),
    "RecvmsgUDP6Test": ("sendrecvmsg_test.ts", 11, 0, 0),
    "RecvmsgIntoUDP6Test": ("sendrecvmsg_test.ts", 14, 0, 0),
    "SendmsgTCPTest": ("sendrecvmsg_test.ts", 13, 0, 0),
    "RecvmsgTCPTest": ("sendrecvmsg_test.ts", 13, 0, 0),
    "RecvmsgIntoTCPTest": ("sendrecvmsg_test.ts", 16, 0, 0),
    "SendmsgSCTPStreamTest": ("sendrecvmsg_test.ts", 0, 0, 13),
    "RecvmsgSCTPStreamTest": ("sendrecvmsg_test.ts", 0, 0, 13),
    "RecvmsgIntoSCTPStreamTest": ("sendrecvmsg_test.ts", 0, 0, 16),
    "SendmsgUnixStreamTest": ("sendrecvmsg_test.ts", 13, 0, 0),
    "RecvmsgUnixStreamTest": ("sendrecvmsg_test.ts", 13, 0, 0),
    "RecvmsgIntoUnixStreamTest": ("sendrecvmsg_test.ts", 16, 0, 0),
    "CmsgMacroTests": ("sendrecvmsg_test.ts", 2, 0, 0),
    "RecvmsgSCMRightsStreamTest": ("sendrecvmsg_ancillary_test.ts", 18, 0, 0),
    "RecvmsgIntoSCMRightsStreamTest": ("sendrecvmsg_ancillary_test.ts", 18, 0, 0),
    "RecvmsgRFC3542AncillaryUDP6Test": ("sendrecvmsg_ancillary_test.ts", 18, 0, 0),
    "RecvmsgIntoRFC3542AncillaryUDP6Test": ("sendrecvmsg_ancillary_test.ts", 18, 0, 0),
    "SendmsgUDPLITETest": ("sendrecvmsg_udplite_test.ts", 11, 0, 0),
    "RecvmsgUDPLITETest": ("sendrecvmsg_udplite_test.ts", 11, 0, 0),
    "RecvmsgIntoUDPLITETest": ("sendrecvmsg_udplite_test.ts", 14, 0, 0),
    "SendmsgUDPLITE6Test": ("sendrecvmsg_udplite_test.ts", 11, 0, 0),
    "RecvmsgUDPLITE6Test": ("sendrecvmsg_udplite_test.ts", 11, 0, 0),
    "RecvmsgIntoUDPLITE6Test": ("sendrecvmsg_udplite_test.ts", 14, 0, 0),
    "RecvmsgRFC3542AncillaryUDPLITE6Test": ("sendrecvmsg_udplite_test.ts", 18, 0, 0),
    "RecvmsgIntoRFC3542AncillaryUDPLITE6Test": ("sendrecvmsg_udplite_test.ts", 18, 0, 0),
    "NonBlockingTCPTests": ("more_threaded_test.ts", 7, 0, 0),
    "BasicSocketPairTest": ("more_threaded_test.ts", 3, 0, 0),
    "PurePythonSocketPairTest": ("more_threaded_test.ts", 0, 0, 5),
    "TCPCloserTest": ("more_threaded_test.ts", 1, 0, 0),
    "ContextManagersTest": ("more_threaded_test.ts", 2, 0, 0),
    "BufferIOTest": ("more_threaded_test.ts", 8, 0, 0),
    "BasicUDPLITETest": ("more_threaded_test.ts", 3, 0, 0),
    "BasicTCPTest2": ("basic_tcp_udp_test.ts", 10, 0, 0),
    "NetworkConnectionNoServer": ("network_connection_test.ts", 4, 0, 0),
    "NetworkConnectionAttributesTest": ("network_connection_test.ts", 6, 0, 0),
    "NetworkConnectionBehaviourTest": ("network_connection_test.ts", 2, 0, 0),
    "CreateServerFunctionalTest": ("more_plain_test.ts", 4, 0, 0),
    "SendRecvFdsTests": ("more_plain_test.ts", 1, 0, 0),
    "BasicVSOCKTest": ("more_plain_test.ts", 4, 0, 0),
    "UDPLITETimeoutTest": ("more_plain_test.ts", 2, 0, 0),
    "InterruptedRecvTimeoutTest": ("interrupted_test.ts", 0, 0, 6),
    "InterruptedSendTimeoutTest": ("interrupted_test.ts", 0, 0, 3),
    # Linux's other families: skipped here as CPython skips them, run in the kernel lane.
    "BasicCANTest": (LANE, 8, 0, 0),
    "ISOTPTest": (LANE, 5, 0, 0),
    "J1939Test": (LANE, 3, 0, 0),
    "BasicRDSTest": (LANE, 3, 0, 0),
    "BasicQIPCRTRTest": (LANE, 6, 0, 0),
    "BasicBluetoothTest": (LANE, 5, 0, 0),
    "TIPCTest": (LANE, 1, 0, 0),
    "LinuxKernelCryptoAPI": (LANE, 7, 0, 0),
    "CANTest": (LANE_THREADED, 4, 0, 0),
    "RDSTest": (LANE_THREADED, 5, 0, 0),
    "TIPCThreadableTest": (LANE_THREADED, 1, 0, 0),
}
# Base classes the harness (_threaded.ts) ports as fixtures.
FIXTURES = {
    "SocketTCPTest", "SocketUDPTest", "ThreadableTest", "ThreadedTCPSocketTest",
    "ThreadedUDPSocketTest", "SocketConnectedTest",
    "SocketTestBase", "SocketListeningTestMixin", "ThreadedSocketTestMixin", "ConnectedStreamTestMixin", "UnixSocketTestBase", "UnixStreamBase", "InetTestBase", "TCPTestBase", "UDPTestBase", "UDPLITETestBase", "SCTPStreamBase", "Inet6TestBase", "UDP6TestBase", "UDPLITE6TestBase", "SocketPairTest", "SocketUDPLITETest", "ThreadedUDPLITESocketTest",
}
# Classes CPython cannot run here for a reason beyond a skip.
NOT_APPLICABLE = {
    "ThreadedVSOCKSocketStreamTest":
        "fails in CPython itself here: /dev/vsock exists but this VM has no vsock "
        "loopback (accept times out, connect gives ENODEV)",
}


def main() -> None:
    path = pathlib.Path(sys.base_prefix) / "lib/python3.13/test/test_socket.py"
    if sys.version_info[:2] != (3, 13):
        sys.exit("run with python3.13")
    tree = ast.parse(path.read_text())
    classes = [(n.name, n.lineno) for n in tree.body if isinstance(n, ast.ClassDef)]
    from test import test_socket as m

    outcomes = {}
    for line in (HERE / "cpython_3.13_results.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, outcome = line.split("\t")
            outcomes[name] = outcome

    loader = unittest.TestLoader()
    rows = []
    totals = collections.Counter()
    for name, lineno in classes:
        cls = getattr(m, name)
        is_case = isinstance(cls, type) and issubclass(cls, unittest.TestCase)
        names = list(loader.getTestCaseNames(cls)) if is_case else []
        threaded = issubclass(cls, m.ThreadableTest)
        kind = "threaded" if threaded else "plain"
        got = collections.Counter()
        reasons = collections.Counter()
        for t in names:
            o = outcomes.get(f"{name}.{t}", "?")
            if o.startswith("skipped: "):
                got["skipped"] += 1
                reasons[o[len("skipped: "):]] += 1
            else:
                got[o] += 1
        cpython = ", ".join(f"{n} {k}" for k, n in sorted(got.items())) or "-"
        if reasons:
            cpython += " (" + "; ".join(f"{r}" for r in reasons) + ")"
        totals["tests"] += len(names)
        if name in PORTED:
            file, ok, defect, skipped = PORTED[name]
            assert ok + defect + skipped == len(names), name
            status = f"ported ({file}): {ok} pass / {defect} DEFECT / {skipped} skipped with reason"
            totals["ported"] += len(names)
            totals["pass"] += ok
            totals["defect"] += defect
            totals["skipped"] += skipped
        elif name in NOT_APPLICABLE:
            status = "not applicable: " + NOT_APPLICABLE[name]
            totals["na"] += len(names)
        elif not names:
            status = "base class, no tests of its own" + (
                "; ported as a fixture in _threaded.ts" if name in FIXTURES else "")
        elif got.get("skipped", 0) == len(names):
            status = "not applicable here: CPython skips all of it on this machine"
            totals["na"] += len(names)
        else:
            status = "not yet ported"
            totals["todo"] += len(names)
        rows.append(f"| {name} | {lineno} | {kind} | {len(names)} | {cpython} | {status} |")

    table = [
        "| class | line | kind | tests | CPython 3.13 here | this port |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"{len(classes)} classes, {totals['tests']} tests. Ported: {totals['ported']} tests "
        f"({totals['pass']} pass, {totals['defect']} DEFECT, {totals['skipped']} skipped with a "
        f"reason); not applicable on this machine: {totals['na']}; not yet ported: "
        f"{totals['todo']}.",
    ]
    ledger = HERE / "LEDGER.md"
    text = ledger.read_text()
    text = re.sub(
        r"(<!-- table:start -->\n).*(<!-- table:end -->)",
        lambda mt: mt.group(1) + "\n".join(table) + "\n" + mt.group(2),
        text,
        flags=re.S,
    )
    ledger.write_text(text)


if __name__ == "__main__":
    main()
