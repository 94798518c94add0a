// The bad-input table: each case runs in python3 and in pysocket, and must
// throw the same class (ValueError/OverflowError as RangeError), errno and
// message. The process must hold no more descriptors after the table.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { jsName, openFds, type Outcome, outcome, python } from "./_helpers.ts";

type Env = {
  s: socket.Socket;
  u: socket.Socket;
  s6: socket.Socket;
  un: socket.Socket;
  closed: socket.Socket;
};
// deno-lint-ignore no-explicit-any
type Any = any;

// [label, Python expression, the same in pysocket]
const cases: [string, string, (e: Env) => unknown][] = [
  ["bind port 70000", `s.bind(("127.0.0.1", 70000))`, (e) => e.s.bind(["127.0.0.1", 70000])],
  ["bind port -1", `s.bind(("127.0.0.1", -1))`, (e) => e.s.bind(["127.0.0.1", -1])],
  ["bind port str", `s.bind(("127.0.0.1", "80"))`, (e) => e.s.bind(["127.0.0.1", "80"] as Any)],
  ["bind port float", `s.bind(("127.0.0.1", 1.5))`, (e) => e.s.bind(["127.0.0.1", 1.5])],
  ["bind 3-tuple", `s.bind(("127.0.0.1", 80, 1))`, (e) => e.s.bind(["127.0.0.1", 80, 1] as Any)],
  ["bind a str", `s.bind("127.0.0.1")`, (e) => e.s.bind("127.0.0.1")],
  ["bind host int", `s.bind((1, 80))`, (e) => e.s.bind([1, 80] as Any)],
  ["bind host with NUL", `s.bind(("a\\0b", 80))`, (e) => e.s.bind(["a\0b", 80])],
  ["bind bad host", `s.bind(("300.1.1.1", 0))`, (e) => e.s.bind(["300.1.1.1", 0])],
  ["bind6 1-tuple", `s6.bind(("::1",))`, (e) => e.s6.bind(["::1"] as Any)],
  ["bind6 5-tuple", `s6.bind(("::1", 0, 0, 0, 0))`, (e) => e.s6.bind(["::1", 0, 0, 0, 0] as Any)],
  ["bind6 flowinfo big", `s6.bind(("::1", 0, 1<<20, 0))`, (e) => e.s6.bind(["::1", 0, 1 << 20, 0])],
  ["bind6 flowinfo neg", `s6.bind(("::1", 0, -1, 0))`, (e) => e.s6.bind(["::1", 0, -1, 0])],
  ["bind6 port big", `s6.bind(("::1", 65536))`, (e) => e.s6.bind(["::1", 65536])],
  ["bind6 broadcast", `s6.bind(("<broadcast>", 0))`, (e) => e.s6.bind(["<broadcast>", 0])],
  ["unix path too long", `un.bind("/tmp/" + "x"*200)`, (e) => e.un.bind("/tmp/" + "x".repeat(200))],
  ["unix path int", `un.bind(5)`, (e) => e.un.bind(5 as Any)],
  ["connect refused", `socket.socket().connect(("127.0.0.1", 1))`, () => {
    using c = socket.socket();
    c.connect(["127.0.0.1", 1]);
  }],
  [
    "connect missing unix path",
    `un.connect("/nonexistent/sock")`,
    (e) => e.un.connect("/nonexistent/sock"),
  ],
  ["recv negative", `s.recv(-1)`, (e) => e.s.recv(-1)],
  ["recv str", `s.recv("a")`, (e) => e.s.recv("a" as Any)],
  ["recv float", `s.recv(1.5)`, (e) => e.s.recv(1.5)],
  ["recv huge", `s.recv(1<<70)`, (e) => e.s.recv(2 ** 70)],
  ["recv unconnected", `s.recv(10)`, (e) => e.s.recv(10)],
  ["send unconnected", `s.send(b"x")`, (e) => e.s.send(new Uint8Array([1]))],
  ["send int", `s.send(5)`, (e) => e.s.send(5 as Any)],
  ["send str flags", `s.send(b"x", "abc")`, (e) => e.s.send("x", "abc" as Any)],
  ["recv float flags", `s.recv(1, 1.5)`, (e) => e.s.recv(1, 1.5)],
  ["sendto without address", `u.sendto(b"x")`, (e) => (e.u.sendto as Any)(new Uint8Array(1))],
  ["sendto str address", `u.sendto(b"x", "x")`, (e) => e.u.sendto(new Uint8Array(1), "x")],
  [
    "sendto port big",
    `u.sendto(b"x", ("127.0.0.1", 99999))`,
    (e) => e.u.sendto("x", ["127.0.0.1", 99999]),
  ],
  [
    "recv_into negative",
    `s.recv_into(bytearray(5), -1)`,
    (e) => e.s.recv_into(new Uint8Array(5), -1),
  ],
  [
    "recv_into too big",
    `s.recv_into(bytearray(5), 10)`,
    (e) => e.s.recv_into(new Uint8Array(5), 10),
  ],
  [
    "recvfrom_into too big",
    `u.recvfrom_into(bytearray(5), 10)`,
    (e) => e.u.recvfrom_into(new Uint8Array(5), 10),
  ],
  ["recvmsg negative", `s.recvmsg(-1)`, (e) => e.s.recvmsg(-1)],
  ["recv_into str", `s.recv_into("abc")`, (e) => e.s.recv_into("abc" as Any)],
  ["recv_into int", `s.recv_into(5)`, (e) => e.s.recv_into(5 as Any)],
  ["recv_into None", `s.recv_into(None)`, (e) => e.s.recv_into(null as Any)],
  ["recvfrom_into str", `u.recvfrom_into("x")`, (e) => e.u.recvfrom_into("x" as Any)],
  ["recvmsg_into int", `s.recvmsg_into(5)`, (e) => e.s.recvmsg_into(5 as Any)],
  ["recvmsg_into [int]", `s.recvmsg_into([5])`, (e) => e.s.recvmsg_into([5] as Any)],
  ["recvmsg_into str", `s.recvmsg_into("ab")`, (e) => e.s.recvmsg_into("ab" as Any)],
  ["recvmsg ancbufsize negative", `s.recvmsg(10, -1)`, (e) => e.s.recvmsg(10, -1)],
  [
    "setsockopt str value",
    `s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, "x")`,
    (e) => e.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, "x" as Any),
  ],
  [
    "setsockopt unknown option",
    `s.setsockopt(socket.SOL_SOCKET, 9999, 1)`,
    (e) => e.s.setsockopt(socket.SOL_SOCKET, 9999, 1),
  ],
  [
    "setsockopt None without optlen",
    `s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None)`,
    (e) => e.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null),
  ],
  [
    "setsockopt int too big",
    `s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1<<40)`,
    (e) => e.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 40),
  ],
  [
    "getsockopt buflen negative",
    `s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, -1)`,
    (e) => e.s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, -1),
  ],
  [
    "getsockopt buflen too big",
    `s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2000)`,
    (e) => e.s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2000),
  ],
  ["settimeout negative", `s.settimeout(-1)`, (e) => e.s.settimeout(-1)],
  ["settimeout str", `s.settimeout("a")`, (e) => e.s.settimeout("a" as Any)],
  ["settimeout NaN", `s.settimeout(float("nan"))`, (e) => e.s.settimeout(NaN)],
  [
    "setdefaulttimeout negative",
    `socket.setdefaulttimeout(-1)`,
    () => socket.setdefaulttimeout(-1),
  ],
  ["shutdown bad how", `s.shutdown(5)`, (e) => e.s.shutdown(5)],
  ["shutdown unconnected", `s.shutdown(socket.SHUT_RDWR)`, (e) => e.s.shutdown(socket.SHUT_RDWR)],
  ["listen backlog huge", `s.listen(1<<40)`, (e) => e.s.listen(2 ** 40)],
  ["accept not listening", `s.accept()`, (e) => e.s.accept()],
  ["getpeername unconnected", `s.getpeername()`, (e) => e.s.getpeername()],
  ["socket bad family", `socket.socket(12345)`, () => socket.socket(12345)],
  [
    "socket bad type",
    `socket.socket(socket.AF_INET, 12345)`,
    () => socket.socket(socket.AF_INET, 12345),
  ],
  [
    "socket bad proto",
    `socket.socket(socket.AF_INET, socket.SOCK_STREAM, 12345)`,
    () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 12345),
  ],
  ["socket bad fileno", `socket.socket(fileno=99999)`, () => socket.socket(-1, -1, -1, 99999)],
  ["socket negative fileno", `socket.socket(fileno=-5)`, () => socket.socket(-1, -1, -1, -5)],
  [
    "socketpair AF_INET",
    `socket.socketpair(socket.AF_INET)`,
    () => socket.socketpair(socket.AF_INET),
  ],
  ["closed recv", `closed.recv(1)`, (e) => e.closed.recv(1)],
  ["closed send", `closed.send(b"x")`, (e) => e.closed.send("x")],
  ["closed sendall", `closed.sendall(b"x")`, (e) => e.closed.sendall("x")],
  ["closed getsockname", `closed.getsockname()`, (e) => e.closed.getsockname()],
  ["closed settimeout", `closed.settimeout(1)`, (e) => e.closed.settimeout(1)],
  ["closed setblocking", `closed.setblocking(0)`, (e) => e.closed.setblocking(false)],
  ["closed bind", `closed.bind(("127.0.0.1", 0))`, (e) => e.closed.bind(["127.0.0.1", 0])],
  ["closed close again", `closed.close()`, (e) => e.closed.close()],
  [
    "sendfile on datagram socket",
    `u.sendfile(open("/etc/hostname","rb"))`,
    (e) => e.u.sendfile("/etc/hostname"),
  ],
  ["makefile bad mode", `s.makefile("x")`, (e) => e.s.makefile("x")],
  ["htons too big", `socket.htons(70000)`, () => socket.htons(70000)],
  ["htons negative", `socket.htons(-1)`, () => socket.htons(-1)],
  ["ntohs too big", `socket.ntohs(70000)`, () => socket.ntohs(70000)],
  ["htonl too big", `socket.htonl(1<<32)`, () => socket.htonl(2 ** 32)],
  ["htonl negative", `socket.htonl(-1)`, () => socket.htonl(-1)],
  ["htons str", `socket.htons("1")`, () => socket.htons("1" as Any)],
  ["inet_aton bad", `socket.inet_aton("1.2.3.256")`, () => socket.inet_aton("1.2.3.256")],
  ["inet_aton int", `socket.inet_aton(5)`, () => socket.inet_aton(5 as Any)],
  ["inet_aton NUL", `socket.inet_aton("1.2.3.4\\0")`, () => socket.inet_aton("1.2.3.4\0")],
  ["inet_ntoa short", `socket.inet_ntoa(b"123")`, () => socket.inet_ntoa(new Uint8Array(3))],
  ["inet_ntoa str", `socket.inet_ntoa("abcd")`, () => socket.inet_ntoa("abcd" as Any)],
  [
    "inet_pton bad",
    `socket.inet_pton(socket.AF_INET, "1.2.3")`,
    () => socket.inet_pton(socket.AF_INET, "1.2.3"),
  ],
  [
    "inet_pton6 bad",
    `socket.inet_pton(socket.AF_INET6, ":::")`,
    () => socket.inet_pton(socket.AF_INET6, ":::"),
  ],
  [
    "inet_pton bad family",
    `socket.inet_pton(12345, "1.2.3.4")`,
    () => socket.inet_pton(12345, "1.2.3.4"),
  ],
  [
    "inet_pton int",
    `socket.inet_pton(socket.AF_INET, 5)`,
    () => socket.inet_pton(socket.AF_INET, 5 as Any),
  ],
  [
    "inet_ntop short",
    `socket.inet_ntop(socket.AF_INET, b"123")`,
    () => socket.inet_ntop(socket.AF_INET, new Uint8Array(3)),
  ],
  [
    "inet_ntop6 short",
    `socket.inet_ntop(socket.AF_INET6, b"123")`,
    () => socket.inet_ntop(socket.AF_INET6, new Uint8Array(3)),
  ],
  [
    "inet_ntop bad family",
    `socket.inet_ntop(12345, b"1234")`,
    () => socket.inet_ntop(12345, new Uint8Array(4)),
  ],
  [
    "getaddrinfo NUL in host",
    `socket.getaddrinfo("a\\0b", 80)`,
    () => socket.getaddrinfo("a\0b", 80),
  ],
  [
    "getaddrinfo negative port",
    `socket.getaddrinfo("127.0.0.1", -1)`,
    () => socket.getaddrinfo("127.0.0.1", -1),
  ],
  [
    "getaddrinfo float port",
    `socket.getaddrinfo("127.0.0.1", 1.5)`,
    () => socket.getaddrinfo("127.0.0.1", 1.5),
  ],
  [
    "getaddrinfo unknown service",
    `socket.getaddrinfo("127.0.0.1", "nosuchservice")`,
    () => socket.getaddrinfo("127.0.0.1", "nosuchservice"),
  ],
  [
    "getaddrinfo unknown host",
    `socket.getaddrinfo("no.such.host.invalid", 80)`,
    () => socket.getaddrinfo("no.such.host.invalid", 80),
  ],
  [
    "getaddrinfo no host no port",
    `socket.getaddrinfo(None, None)`,
    () => socket.getaddrinfo(null, null),
  ],
  [
    "getaddrinfo bad family",
    `socket.getaddrinfo("127.0.0.1", 80, 12345)`,
    () => socket.getaddrinfo("127.0.0.1", 80, 12345),
  ],
  [
    "getaddrinfo bad flags",
    `socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, 0xffff)`,
    () => socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, 0xffff),
  ],
  ["getaddrinfo int host", `socket.getaddrinfo(5, 80)`, () => socket.getaddrinfo(5 as Any, 80)],
  [
    "getnameinfo 1-tuple",
    `socket.getnameinfo(("127.0.0.1",), 0)`,
    () => socket.getnameinfo(["127.0.0.1"] as Any, 0),
  ],
  ["getnameinfo str", `socket.getnameinfo("x", 0)`, () => socket.getnameinfo("x" as Any, 0)],
  [
    "getnameinfo name not number",
    `socket.getnameinfo(("localhost", 80), 0)`,
    () => socket.getnameinfo(["localhost", 80], 0),
  ],
  [
    "getnameinfo IPv4 4-tuple",
    `socket.getnameinfo(("127.0.0.1", 80, 0, 0), 0)`,
    () => socket.getnameinfo(["127.0.0.1", 80, 0, 0], 0),
  ],
  [
    "getnameinfo flowinfo big",
    `socket.getnameinfo(("::1", 80, 1<<21), 0)`,
    () => socket.getnameinfo(["::1", 80, 1 << 21], 0),
  ],
  [
    "gethostbyname unknown",
    `socket.gethostbyname("no.such.host.invalid")`,
    () => socket.gethostbyname("no.such.host.invalid"),
  ],
  ["gethostbyname NUL", `socket.gethostbyname("a\\0b")`, () => socket.gethostbyname("a\0b")],
  ["gethostbyname IPv6", `socket.gethostbyname("::1")`, () => socket.gethostbyname("::1")],
  [
    "gethostbyaddr unknown name",
    `socket.gethostbyaddr("no.such.host.invalid")`,
    () => socket.gethostbyaddr("no.such.host.invalid"),
  ],
  [
    "gethostbyaddr no name",
    `socket.gethostbyaddr("192.0.2.1")`,
    () => socket.gethostbyaddr("192.0.2.1"),
  ],
  ["getservbyname unknown", `socket.getservbyname("nosuch")`, () => socket.getservbyname("nosuch")],
  [
    "getservbyname bad proto",
    `socket.getservbyname("http", "xyz")`,
    () => socket.getservbyname("http", "xyz"),
  ],
  ["getservbyname int", `socket.getservbyname(5)`, () => socket.getservbyname(5 as Any)],
  ["getservbyport too big", `socket.getservbyport(70000)`, () => socket.getservbyport(70000)],
  ["getservbyport negative", `socket.getservbyport(-1)`, () => socket.getservbyport(-1)],
  [
    "getservbyport unknown",
    `socket.getservbyport(80, "xyz")`,
    () => socket.getservbyport(80, "xyz"),
  ],
  [
    "getprotobyname unknown",
    `socket.getprotobyname("nosuch")`,
    () => socket.getprotobyname("nosuch"),
  ],
  [
    "if_nametoindex unknown",
    `socket.if_nametoindex("nosuch0")`,
    () => socket.if_nametoindex("nosuch0"),
  ],
  ["if_indextoname unknown", `socket.if_indextoname(999)`, () => socket.if_indextoname(999)],
  ["if_indextoname negative", `socket.if_indextoname(-1)`, () => socket.if_indextoname(-1)],
  ["CMSG_LEN negative", `socket.CMSG_LEN(-1)`, () => socket.CMSG_LEN(-1)],
  ["CMSG_LEN too big", `socket.CMSG_LEN(1<<62)`, () => socket.CMSG_LEN(2 ** 62)],
  ["CMSG_SPACE negative", `socket.CMSG_SPACE(-1)`, () => socket.CMSG_SPACE(-1)],
  ["dup bad fd", `socket.dup(-1)`, () => socket.dup(-1)],
  ["close bad fd", `socket.close(-1)`, () => socket.close(-1)],
  ["fromfd bad fd", `socket.fromfd(-1, 2, 1)`, () => socket.fromfd(-1, 2, 1)],
  [
    "create_connection refused",
    `socket.create_connection(("127.0.0.1", 1))`,
    () => socket.create_connection(["127.0.0.1", 1]),
  ],
  [
    "create_connection all_errors",
    `socket.create_connection(("127.0.0.1", 1), all_errors=True)`,
    () => socket.create_connection(["127.0.0.1", 1], undefined, null, { all_errors: true }),
  ],
  ["select negative timeout", `select.select([], [], [], -1)`, () => socket.select([], [], [], -1)],
  [
    "select not a socket",
    `select.select(["x"], [], [], 0)`,
    () => socket.select(["x" as Any], [], [], 0),
  ],
  ["select negative fd", `select.select([-1], [], [], 0)`, () => socket.select([-1], [], [], 0)],
  [
    "send_fds unconnected",
    `socket.send_fds(s, [b"x"], [0])`,
    (e) => socket.send_fds(e.s, ["x"], [0]),
  ],
  // Text bound for C with a NUL inside: refused, not cut short there.
  [
    "getservbyname NUL",
    `socket.getservbyname("http\\0junk")`,
    () => socket.getservbyname("http\0junk"),
  ],
  [
    "getservbyport NUL protocol",
    `socket.getservbyport(80, "tcp\\0x")`,
    () => socket.getservbyport(80, "tcp\0x"),
  ],
  [
    "getprotobyname NUL",
    `socket.getprotobyname("tcp\\0x")`,
    () => socket.getprotobyname("tcp\0x"),
  ],
  [
    "getnameinfo NUL host",
    `socket.getnameinfo(("127.0.0.1\\0x", 80), 0)`,
    () => socket.getnameinfo(["127.0.0.1\0x", 80], 0),
  ],
  [
    "sendfile path with NUL",
    `open("/etc/hostname\\0.html", "rb")`,
    (e) => e.s.sendfile("/etc/hostname\0.html"),
  ],
  [
    "select fd 2**32",
    `select.select([2**32], [], [], 0)`,
    () => socket.select([2 ** 32], [], [], 0),
  ],
  [
    "a socket on a descriptor that is no socket",
    `socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 1)`,
    () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 1),
  ],
  ["settimeout too long", `s.settimeout(1e10)`, (e) => e.s.settimeout(1e10)],
  ["setblocking None", `s.setblocking(None)`, (e) => e.s.setblocking(null as Any)],
  ["makefile mode int", `s.makefile(1)`, (e) => e.s.makefile(1 as Any)],
  ["recv flags too big", `u.recv(1, 2**40)`, (e) => e.u.recv(1, 2 ** 40)],
  // (Each fails before the host name could change.)
  [
    "sethostname too long",
    `socket.sethostname("x" * 300)`,
    () => socket.sethostname("x".repeat(300)),
  ],
  ["sethostname NUL", `socket.sethostname("x\\0y")`, () => socket.sethostname("x\0y")],
  ["sethostname int", `socket.sethostname(5)`, () => socket.sethostname(5 as Any)],
  [
    "sendmsg_afalg on TCP",
    `s.sendmsg_afalg([b"x"], op=0)`,
    (e) => e.s.sendmsg_afalg(["x"], { op: 0 }),
  ],
];

// Messages that differ from python3 3.11 by design, with the reason.
const expectedDifferences: Record<string, Outcome> = {
  // Python's ExceptionGroup message counts the sub-exceptions; AggregateError keeps ours.
  "create_connection all_errors": ["AggregateError", null, "create_connection failed"],
};

const PRELUDE = `
import socket, select, json
s = socket.socket(); u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s6 = socket.socket(socket.AF_INET6); un = socket.socket(socket.AF_UNIX)
closed = socket.socket(); closed.close()
def run(f):
    try:
        f(); return ["OK"]
    except Exception as e:
        return [type(e).__name__, e.errno if isinstance(e, OSError) else None, str(e)]
`;

Deno.test("bad input throws Python's exception class, errno and message, and leaks no descriptor", () => {
  const script = PRELUDE + "print(json.dumps({\n" +
    cases.map(([label, expr]) => `  ${JSON.stringify(label)}: run(lambda: ${expr}),`).join("\n") +
    "\n}))";
  const py = python<Record<string, Outcome>>(script);
  const before = openFds();
  const env: Env = {
    s: socket.socket(),
    u: socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
    s6: socket.socket(socket.AF_INET6),
    un: socket.socket(socket.AF_UNIX),
    closed: socket.socket(),
  };
  env.closed.close();
  const mismatches: string[] = [];
  for (const [label, , fn] of cases) {
    const got = outcome(() => fn(env));
    const p = py[label];
    const want: Outcome = expectedDifferences[label] ??
      (p[0] === "OK" ? ["OK"] : [jsName(p[0]), p[1], p[2]]);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches.push(`${label}: python ${JSON.stringify(want)}, pysocket ${JSON.stringify(got)}`);
    }
  }
  for (const k of ["s", "u", "s6", "un"] as const) env[k].close();
  assert.deepEqual(mismatches, []);
  assert.ok(cases.length >= 40);
  assert.equal(openFds(), before, "descriptors leaked by the bad-input table");
});
