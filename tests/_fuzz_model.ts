// The fuzz suite's value model and targets (see tests/fuzz_test.ts for the
// design). A value is plain JSON data, a `V`: the test process generates
// cases of them with fast-check, python3 evaluates each as a Python
// expression (render), and the child Deno process builds each as a fresh JS
// value (build) for pysocket. Both sides build values per call, so a buffer
// detached or a socket closed by one case is never seen by another.

import fc from "fast-check";

/**
 * A value, both a Python expression and a JS value:
 *
 * - `int`: an integer that a JS number holds exactly (decimal text); Python int.
 *   JS has one number type, so an integral number is an int: `-0` is Python's 0.
 * - `big`: a JS bigint; Python int.
 * - `float`: a non-integral or non-finite number ("nan", "inf", "-inf", "1.5");
 *   Python float.
 * - `str`: a string; Python str (NUL, lone surrogates and all).
 * - `bytes`/`bytearray` (hex, or "0*N" for N zeros): a Uint8Array; Python bytes/bytearray.
 * - `i32`: an Int32Array; Python array.array("i").
 * - `none`: null; None. `undef` (inside containers only): undefined; None.
 *   A missing argument is the argument list being shorter, never `undefined`.
 * - `bool`; `tuple`: an array, Python tuple; `dict`: a plain object, Python dict.
 * - `obj` (class name): an instance of a class of that name with no integer,
 *   buffer or string protocol, in both (JS `valueOf`/`Symbol.toPrimitive` are
 *   given, and must be ignored as Python ignores `__int__`-less objects; a
 *   String object iterates into strings, and Python's class String alike).
 * - `fileno` (value): an object whose `fileno()` returns the value (or throws Boom).
 * - `sock`/`fd` ("self" | "peer" | "closed"): the case's socket, its peer (null
 *   where it has none), a closed socket; `fd` is `s.fileno()` at the time of
 *   the call, and goes only where a descriptor does.
 * - `file`: /etc/hostname for sendfile: a path in JS, an open file in Python.
 * - `path`/`abstract` (name): an AF_UNIX path in the case's temporary
 *   directory, or an abstract name unique to the run.
 * - `const` (name): `socket.NAME`.
 * - `js` (kind, inner?): a JS-only hostile value. Some have a Python
 *   equivalent (a transparent Proxy is its target, a Uint8Array that lies
 *   about its length is its real bytes); the others make the case JS-only.
 */
export type V =
  | ["int", string]
  | ["big", string]
  | ["float", string]
  | ["str", string]
  | ["bytes", string]
  | ["bytearray", string]
  | ["i32", number[]]
  | ["none"]
  | ["undef"]
  | ["bool", boolean]
  | ["tuple", V[]]
  | ["dict", [string, V][]]
  | ["obj", ObjClass]
  | ["fileno", V | "boom"]
  | ["sock", "self" | "peer" | "closed"]
  | ["fd", "self" | "peer"]
  | ["file"]
  | ["path", string]
  | ["abstract", string]
  | ["const", string]
  | ["js", JsKind, V?];

/** Classes of objects that are no int, buffer or str in either language. */
export type ObjClass =
  | "Object"
  | "Number"
  | "String"
  | "Symbol"
  | "function"
  | "Date"
  | "Index"
  | "object"
  | "generator";

/** JS-only hostile values. */
export type JsKind =
  // with a Python equivalent (the inner value, or its real bytes)
  | "proxy" // a transparent Proxy of the inner value
  | "frozen" // Object.freeze(inner)
  | "hole" // [ , inner]: a sparse array; Python (None, inner)
  | "sparse" // an array of 100000 holes; Python (None,) * 100000
  | "spoof" // a Uint8Array whose own byteLength, length, byteOffset and buffer lie
  | "subclass" // a Uint8Array subclass whose getters lie
  | "shared" // a view of a SharedArrayBuffer
  | "growable" // a length-tracking view of a resizable ArrayBuffer
  | "dataview" // a DataView; Python memoryview
  | "arraybuffer" // an ArrayBuffer; Python bytearray
  | "offset" // a view at an odd offset into a larger buffer
  // JS-only: no Python equivalent
  | "detached" // a view whose ArrayBuffer was transferred away
  | "detachedAB" // an ArrayBuffer transferred away
  | "oob" // a fixed-length view of a resizable ArrayBuffer shrunk below it
  | "throwIndex" // an array whose element 0 is a getter that throws Boom
  | "throwLength" // a Proxy of an array whose `length` throws Boom
  | "throwProxy" // a Proxy of an array whose every trap throws Boom
  | "throwIter" // an object whose Symbol.iterator throws Boom
  | "throwPrim" // an object whose valueOf, toString and Symbol.toPrimitive throw Boom
  | "symbol"; // a Symbol

/** Hostile kinds that have no Python equivalent: a case with one is JS-only. */
export const JS_ONLY: ReadonlySet<JsKind> = new Set<JsKind>([
  "detached",
  "detachedAB",
  "oob",
  "throwIndex",
  "throwLength",
  "throwProxy",
  "throwIter",
  "throwPrim",
  "symbol",
]);

/** One call: a method of the case's socket, a module function, or a method of its file. */
export interface Call {
  name: string;
  args: V[];
  /** Python keyword arguments; in JS, the options object at the target's `options` index. */
  kw?: [string, V][];
}

/** How a case's socket is made, the same way in both languages. */
export type Receiver =
  | "tcp4" // AF_INET stream, non-blocking
  | "tcp6" // AF_INET6 stream, non-blocking
  | "udp4" // AF_INET datagram, non-blocking
  | "udp6" // AF_INET6 datagram, non-blocking
  | "unix" // AF_UNIX stream, non-blocking
  | "unixd" // AF_UNIX datagram, non-blocking
  | "pair" // socketpair(), non-blocking, 64 bytes from the peer waiting
  | "upair" // socketpair(AF_UNIX, SOCK_DGRAM), non-blocking, two datagrams waiting
  | "eof" // socketpair(), blocking, 64 bytes of lines then the end of the stream
  | "listen4" // AF_INET stream bound to 127.0.0.1:0 and listening, non-blocking
  | "udp4t" // AF_INET datagram with a 2 ms timeout
  | "blocking" // AF_INET stream, blocking, unconnected
  | "closed" // closed
  | "detached"; // detached (its descriptor closed)

/** What a case calls. */
export type CaseKind = "method" | "func" | "async" | "file";

/** A case: calls on a fresh socket, or a module function, run until one throws. */
export interface Case {
  kind: CaseKind;
  recv: Receiver;
  /** Calls on the socket before the one under test (method and file cases). */
  prior: Call[];
  /** For file cases: the makefile() call that opens the file. */
  open?: Call;
  call: Call;
}

// --- targets ---------------------------------------------------------------------

/** A target's facts: whether its result is the same in both (compared), where JS takes options. */
export interface Target {
  /** The result is deterministic and compared with Python's. */
  value?: boolean;
  /** Index of the JS options object that Python's keyword arguments go into. */
  options?: number;
  /** Python's name, where it differs (select.select, loop.sock_recv, ...). */
  py?: string;
}

export const METHODS: Record<string, Target> = {
  accept: {},
  bind: {},
  close: { value: true },
  connect: {},
  connect_ex: {},
  detach: {},
  dup: {},
  fileno: {},
  get_inheritable: { value: true },
  set_inheritable: { value: true },
  getpeername: {},
  getsockname: {},
  getsockopt: {},
  setsockopt: { value: true },
  getblocking: { value: true },
  gettimeout: { value: true },
  setblocking: { value: true },
  settimeout: { value: true },
  listen: { value: true },
  makefile: {},
  recv: { value: true },
  recvfrom: {},
  recv_into: { value: true },
  recvfrom_into: {},
  recvmsg: {},
  recvmsg_into: {},
  send: {},
  sendall: {},
  sendto: {},
  sendmsg: {},
  sendfile: {},
  shutdown: { value: true },
  family: { value: true },
  type: { value: true },
  proto: { value: true },
  timeout: { value: true },
};

export const FUNCS: Record<string, Target> = {
  socket: {},
  socketpair: {},
  create_connection: { options: 3 },
  create_server: { options: 1 },
  fromfd: {},
  dup: {},
  close: {},
  getaddrinfo: { value: true },
  getnameinfo: { value: true },
  gethostbyname: { value: true },
  gethostbyname_ex: { value: true },
  gethostbyaddr: { value: true },
  // (Not their results: another program on the machine may change its name meanwhile.)
  gethostname: {},
  getfqdn: {},
  getservbyname: { value: true },
  getservbyport: { value: true },
  getprotobyname: { value: true },
  inet_aton: { value: true },
  inet_ntoa: { value: true },
  inet_pton: { value: true },
  inet_ntop: { value: true },
  htons: { value: true },
  ntohs: { value: true },
  htonl: { value: true },
  ntohl: { value: true },
  CMSG_LEN: { value: true },
  CMSG_SPACE: { value: true },
  if_nametoindex: { value: true },
  if_indextoname: { value: true },
  if_nameindex: { value: true },
  getdefaulttimeout: { value: true },
  setdefaulttimeout: { value: true },
  has_dualstack_ipv6: { value: true },
  send_fds: {},
  recv_fds: {},
  select: { py: "select.select" },
};

export const ASYNC: Record<string, Target> = {
  sock_recv: { value: true, options: 2 },
  sock_recv_into: { value: true, options: 2 },
  sock_recvfrom: { options: 2 },
  sock_recvfrom_into: { options: 3 },
  sock_sendall: { options: 2 },
  sock_sendto: { options: 3 },
  sock_accept: { options: 1 },
  sock_connect: { options: 2 },
  sock_sendfile: { options: 4 },
};

export const FILE_METHODS: Record<string, Target> = {
  read: { value: true },
  readline: { value: true },
  readlines: { value: true },
  write: { value: true },
  flush: { value: true },
  close: { value: true },
};

/** The target of a case. */
export function targetOf(c: Case): Target {
  const table = { method: METHODS, func: FUNCS, async: ASYNC, file: FILE_METHODS }[c.kind];
  return table[c.call.name];
}

// --- arbitraries ---------------------------------------------------------------

const int = (n: number): V => ["int", BigInt(n).toString()];
const big = (n: bigint): V => ["big", String(n)];
const str = (s: string): V => ["str", s];
const tuple = (...items: V[]): V => ["tuple", items];
const cnst = (name: string): V => ["const", name];
const NONE: V = ["none"];
const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const hex = (s: string) => hexOf(new TextEncoder().encode(s));

/** Integers at the edges of C types, and small ones. */
const EDGE_INTS = [
  0,
  1,
  -1,
  2,
  3,
  4,
  5,
  7,
  8,
  16,
  80,
  255,
  256,
  1024,
  65535,
  65536,
  -65536,
  2 ** 20,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  2 ** 62,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  2 ** 70,
  -(2 ** 70),
  1e300,
];
const EDGE_BIGS = [
  0n,
  1n,
  -1n,
  80n,
  2n ** 31n,
  2n ** 32n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  -(2n ** 63n) - 1n,
  2n ** 64n,
  2n ** 100n,
  -(2n ** 100n),
];
const FLOATS = ["nan", "inf", "-inf", "1.5", "-1.5", "0.5", "0.001", "2147483648.5", "1e-300"];

export const arbInt: fc.Arbitrary<V> = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGE_INTS).map(int), weight: 4 },
  { arbitrary: fc.integer({ min: -3, max: 300 }).map(int), weight: 2 },
  { arbitrary: fc.constantFrom(...EDGE_BIGS).map(big), weight: 1 },
);

/** Numbers of every kind: ints, bigints, floats, booleans, -0, None. */
export const arbNumber: fc.Arbitrary<V> = fc.oneof(
  { arbitrary: arbInt, weight: 6 },
  { arbitrary: fc.constantFrom(...FLOATS).map((f): V => ["float", f]), weight: 2 },
  { arbitrary: fc.boolean().map((b): V => ["bool", b]), weight: 1 },
  { arbitrary: fc.constant<V>(["int", "-0"]), weight: 1 },
  { arbitrary: fc.constant(NONE), weight: 1 },
);

/**
 * Strings, all fixed: any of them may land where a host name goes, so none
 * is a name a resolver would look up that is not in this list's spirit
 * (NUL, empty labels, over-long labels, non-ASCII, a lone surrogate), and
 * none is numeric text for an address beyond loopback ("1.5" is 1.0.0.5).
 * No random strings or bytes are generated anywhere: a random host name
 * would be a DNS lookup.
 */
const STRINGS = [
  "",
  "x\0y",
  "\0",
  "é",
  "中文",
  "😀",
  "\ud800",
  "\udfff\ud800",
  "a..b",
  "a".repeat(300),
  "\u200b",
  "x\0".repeat(40),
];
export const arbString: fc.Arbitrary<V> = fc.constantFrom(...STRINGS).map(str);

export const arbBytes: fc.Arbitrary<V> = fc.constantFrom(
  "",
  "\0abc",
  "\x7f\0\0\x01",
  "\xff\xfe\xfd\xfc",
  "\0".repeat(16),
  "x".repeat(70),
).map((s): V => ["bytes", hexOf(Uint8Array.from(s, (c) => c.charCodeAt(0)))]);
export const arbBytearray: fc.Arbitrary<V> = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((n): V => ["bytearray", `0*${n}`]),
  fc.constant<V>(["bytearray", "0*70000"]),
);

/** Byte buffers of every JS kind, hostile ones included. */
const BUFFER_KINDS: JsKind[] = [
  "spoof",
  "subclass",
  "shared",
  "growable",
  "dataview",
  "arraybuffer",
  "offset",
  "detached",
  "detachedAB",
  "oob",
];
// Their bytes start with a NUL: one that lands where a host name goes is refused unresolved.
export const arbHostileBuffer: fc.Arbitrary<V> = fc.tuple(
  fc.constantFrom(...BUFFER_KINDS),
  fc.integer({ min: 0, max: 40 }),
).map(([kind, n]): V => ["js", kind, ["bytearray", n ? "00" + "61".repeat(n - 1) : ""]]);

export const arbBuffer: fc.Arbitrary<V> = fc.oneof(
  { arbitrary: arbBytes, weight: 3 },
  { arbitrary: arbBytearray, weight: 3 },
  { arbitrary: arbHostileBuffer, weight: 3 },
  {
    arbitrary: fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }).map((a): V => [
      "i32",
      a,
    ]),
    weight: 1,
  },
);

const OBJS: ObjClass[] = [
  "Object",
  "Number",
  "String",
  "Symbol",
  "function",
  "Date",
  "Index",
  "object",
  "generator",
];

/** Hosts that reach only loopback or fail locally (no random names: no DNS lookups). */
const HOSTS_CONNECT = [
  "127.0.0.1",
  "127.0.0.2",
  "localhost",
  "",
  "::1",
  "::ffff:127.0.0.1",
  "0x7f.1",
  "127.1",
  "300.1.1.1",
  ":::",
  "1.2.3.4.5",
  "a..b",
  "x".repeat(64),
  "é",
  "127.0.0.1\0junk",
  "\0",
  " 127.0.0.1",
];
/** Bind may name any address of this host, and the broadcast one. */
const HOSTS_BIND = [...HOSTS_CONNECT, "0.0.0.0", "::", "<broadcast>", "255.255.255.255"];

export const arbHost = (bind: boolean): fc.Arbitrary<V> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...(bind ? HOSTS_BIND : HOSTS_CONNECT)).map(str), weight: 8 },
    {
      arbitrary: fc.constantFrom("127.0.0.1", "::1", "localhost").map((s): V => [
        "bytes",
        hex(s),
      ]),
      weight: 1,
    },
    { arbitrary: fc.constant(NONE), weight: 1 },
    { arbitrary: arbNumber, weight: 1 },
  );

/**
 * Ports: for connect and sendto, none that a test on this machine listens
 * on; for bind, only 0 (python3 and the child run at once, and so may other
 * tests: a fixed port would be in use now and then).
 */
export const arbPort = (bind: boolean): fc.Arbitrary<V> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...(bind ? [0] : [0, 1, 9])).map(int), weight: 6 },
    { arbitrary: fc.constantFrom(-1, 65536, 2 ** 31, 2 ** 64).map(int), weight: 2 },
    {
      arbitrary: arbNumber.filter((v) => !bind || !["int", "big", "bool"].includes(v[0])),
      weight: 1,
    },
    { arbitrary: fc.constantFrom("80", "http", "", "x\0").map(str), weight: 1 },
  );

export const arbAddress = (bind: boolean): fc.Arbitrary<V> =>
  fc.oneof(
    { arbitrary: fc.tuple(arbHost(bind), arbPort(bind)).map(([h, p]) => tuple(h, p)), weight: 8 },
    {
      arbitrary: fc.tuple(arbHost(bind), arbPort(bind), arbInt, arbInt).map(([h, p, f, s]) =>
        tuple(h, p, f, s)
      ),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(arbHost(bind), arbPort(bind), arbInt).map(([h, p, f]) => tuple(h, p, f)),
      weight: 1,
    },
    { arbitrary: arbHost(bind).map((h) => tuple(h)), weight: 1 },
    { arbitrary: fc.constant(tuple()), weight: 1 },
    {
      arbitrary: fc.tuple(arbHost(bind), arbPort(bind), arbInt, arbInt, arbInt).map((a) =>
        tuple(...a)
      ),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom("s", "sub/s", "").map((n): V => ["path", n]),
      weight: 2,
    },
    { arbitrary: fc.constantFrom("a", "b").map((n): V => ["abstract", n]), weight: 2 },
    {
      arbitrary: fc.constantFrom("/nonexistent/dir/s", "/tmp/" + "x".repeat(200), "x\0y").map(str),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(...(["proxy", "frozen", "hole"] as JsKind[])).chain((k) =>
        fc.tuple(arbHost(bind), arbPort(bind)).map(([h, p]): V => [
          "js",
          k,
          k === "hole" ? p : tuple(h, p),
        ])
      ),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom(...(["throwIndex", "throwLength", "throwProxy"] as JsKind[])).map((
        k,
      ): V => ["js", k, tuple(str("127.0.0.1"), int(9))]),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(arbHost(bind), arbPort(bind)).map(([h, p]): V => [
        "dict",
        [["host", h], ["port", p]],
      ]),
      weight: 1,
    },
    { arbitrary: arbBuffer, weight: 1 },
  );

/** Anything, every kind of value, with some nesting. */
export const arbAny: fc.Arbitrary<V> = fc.letrec<{ any: V }>((tie) => ({
  any: fc.oneof(
    { arbitrary: arbNumber, weight: 6 },
    { arbitrary: arbString, weight: 4 },
    { arbitrary: arbBuffer, weight: 4 },
    { arbitrary: fc.constantFrom(...OBJS).map((o): V => ["obj", o]), weight: 2 },
    {
      arbitrary: fc.array(tie("any"), { maxLength: 3 }).map((items): V => ["tuple", items]),
      weight: 2,
    },
    { arbitrary: fc.constant<V>(["dict", []]), weight: 1 },
    // (No descriptor numbers: they differ between the two processes.)
    { arbitrary: fc.constantFrom<V>(["sock", "self"], ["sock", "closed"]), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        ...(["throwPrim", "throwIter", "throwProxy", "symbol", "sparse"] as JsKind[]),
      ).map((k): V => ["js", k]),
      weight: 1,
    },
    {
      arbitrary: fc.oneof(arbInt, fc.constant<"boom">("boom")).map((v): V => ["fileno", v]),
      weight: 1,
    },
    { arbitrary: fc.constant<V>(["undef"]), weight: 1 },
  ),
})).any.filter((v) => v[0] !== "undef"); // undefined only inside containers (see V)

/** A plausible value most of the time, anything otherwise. */
const or = (plausible: fc.Arbitrary<V>, w = 5): fc.Arbitrary<V> =>
  fc.oneof({ arbitrary: plausible, weight: w }, { arbitrary: arbAny, weight: 1 });

const consts = (...names: string[]) => fc.constantFrom(...names).map(cnst);

const arbFlags = or(
  fc.oneof(
    { arbitrary: fc.constant(int(0)), weight: 4 },
    {
      arbitrary: consts("MSG_PEEK", "MSG_DONTWAIT", "MSG_OOB", "MSG_TRUNC", "MSG_WAITALL"),
      weight: 2,
    },
    { arbitrary: arbInt, weight: 1 },
  ),
);
const arbSize = or(fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 4, 10, 64, 100, 4096, 70000).map(int), weight: 3 },
  { arbitrary: arbNumber, weight: 2 },
));
const arbData = or(fc.oneof(arbBytes, arbString, arbBuffer));
const arbTimeout = or(fc.oneof(
  { arbitrary: fc.constantFrom<V>(NONE, int(0), ["float", "0.001"], int(5)), weight: 3 },
  { arbitrary: arbNumber, weight: 2 },
));
/** Timeouts for calls that would wait: none may be long (select, create_connection). */
const arbShortTimeout = fc.oneof(
  { arbitrary: fc.constantFrom<V>(int(0), ["float", "0.001"]), weight: 4 },
  {
    arbitrary: fc.constantFrom<V>(
      int(-1),
      ["float", "nan"],
      ["float", "inf"],
      ["float", "-inf"],
      ["float", "-1.5"],
      int(2 ** 64),
      big(-1n),
      str("1"),
      ["bool", true],
      ["obj", "Object"],
      ["js", "throwPrim"],
    ),
    weight: 2,
  },
);
const arbLevel = or(fc.oneof(
  { arbitrary: consts("SOL_SOCKET", "IPPROTO_TCP", "IPPROTO_IP", "IPPROTO_IPV6"), weight: 4 },
  { arbitrary: arbInt, weight: 1 },
));
const arbOptname = or(fc.oneof(
  {
    arbitrary: consts(
      "SO_REUSEADDR",
      "SO_RCVBUF",
      "SO_SNDBUF",
      "SO_KEEPALIVE",
      "SO_TYPE",
      "SO_ERROR",
      "SO_LINGER",
      "SO_BROADCAST",
      "TCP_NODELAY",
      "IP_TTL",
      "IPV6_V6ONLY",
    ),
    weight: 4,
  },
  { arbitrary: arbInt, weight: 1 },
));
const arbOptval = or(fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 64, 4096).map(int), weight: 3 },
  {
    arbitrary: fc.integer({ min: 0, max: 16 }).map((n): V => ["bytes", "01".repeat(n)]),
    weight: 1,
  },
  { arbitrary: arbNumber, weight: 1 },
  { arbitrary: arbBuffer, weight: 1 },
));
const arbFamily = or(fc.oneof(
  { arbitrary: consts("AF_INET", "AF_INET6", "AF_UNIX"), weight: 4 },
  { arbitrary: consts("AF_PACKET", "AF_NETLINK", "AF_UNSPEC"), weight: 1 },
  { arbitrary: arbInt, weight: 1 },
));
const arbType = or(fc.oneof(
  { arbitrary: consts("SOCK_STREAM", "SOCK_DGRAM"), weight: 4 },
  { arbitrary: consts("SOCK_RAW", "SOCK_SEQPACKET"), weight: 1 },
  { arbitrary: arbInt, weight: 1 },
));
const arbProto = or(fc.oneof(
  { arbitrary: fc.constant(int(0)), weight: 4 },
  { arbitrary: consts("IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_ICMP"), weight: 1 },
  { arbitrary: arbInt, weight: 1 },
));
const arbBool = or(fc.oneof(
  { arbitrary: fc.boolean().map((b): V => ["bool", b]), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, 2).map(int), weight: 1 },
));
const arbWritable = or(fc.oneof(
  { arbitrary: arbBytearray, weight: 4 },
  { arbitrary: arbHostileBuffer, weight: 3 },
  { arbitrary: arbBytes, weight: 1 },
));
const arbMode = or(
  fc.constantFrom("r", "w", "b", "rb", "wb", "rw", "rwb", "", "x", "rr", "br", "rt", "a").map(str),
);
const arbBuffering = or(fc.oneof(
  { arbitrary: fc.constant(NONE), weight: 2 },
  { arbitrary: fc.constantFrom(-1, 0, 1, 8192).map(int), weight: 2 },
  { arbitrary: arbNumber, weight: 1 },
));
const arbHow = or(fc.oneof(
  { arbitrary: consts("SHUT_RD", "SHUT_WR", "SHUT_RDWR"), weight: 3 },
  { arbitrary: arbInt, weight: 1 },
));
const arbIterOf = (item: fc.Arbitrary<V>) =>
  or(fc.oneof(
    { arbitrary: fc.array(item, { maxLength: 3 }).map((items): V => ["tuple", items]), weight: 4 },
    {
      arbitrary: fc.array(item, { maxLength: 2 }).map((items): V => ["js", "proxy", [
        "tuple",
        items,
      ]]),
      weight: 1,
    },
  ));
const arbAnc = arbIterOf(
  or(fc.tuple(arbLevel, or(consts("SCM_RIGHTS")), arbBuffer).map(([l, t, d]) => tuple(l, t, d))),
);
const arbServ = or(
  fc.constantFrom("http", "ssh", "domain", "nosuch", "", "http\0x", "80", "HTTP").map(str),
);
const arbProtoName = or(
  fc.constantFrom<V>(str("tcp"), str("udp"), str("xyz"), str(""), str("tcp\0"), NONE),
);
const arbFilePlain = or(
  fc.constantFrom<V>(["file"], ["file"], int(-1), int(99999), str("/nonexistent")),
);
const arbSelectablePlain = or(fc.constantFrom<V>(
  ["sock", "self"],
  ["sock", "peer"],
  ["fd", "self"],
  [
    "sock",
    "closed",
  ],
  ["fileno", int(-1)],
  ["fileno", "boom"],
  int(-1),
));
const arbGaiFlags = or(fc.oneof(
  { arbitrary: fc.constant(int(0)), weight: 3 },
  {
    arbitrary: consts("AI_PASSIVE", "AI_CANONNAME", "AI_NUMERICHOST", "AI_NUMERICSERV"),
    weight: 2,
  },
  { arbitrary: arbInt, weight: 1 },
));
const arbNiFlags = or(fc.oneof(
  { arbitrary: consts("NI_NUMERICHOST", "NI_NUMERICSERV", "NI_DGRAM"), weight: 3 },
  { arbitrary: fc.constant(int(0)), weight: 1 },
  { arbitrary: arbInt, weight: 1 },
));
/** Host names that resolve from /etc/hosts or fail without an answer that could vary. */
const arbName = or(
  fc.constantFrom(
    "localhost",
    "127.0.0.1",
    "::1",
    "",
    "300.1.1.1",
    "a..b",
    "x\0y",
    "é",
    "0.0.0.0",
    "::",
  ).map(str),
);
/**
 * Names for gethostbyaddr(), whose error names the resolver's h_errno: only
 * those /etc/hosts answers, or that fail before a lookup (a reverse lookup
 * that reaches DNS fails with a code that varies from one call to the next).
 */
const arbReverseName = or(
  fc.constantFrom("localhost", "127.0.0.1", "127.1", "0x7f.1", "", "a..b", "x\0y").map(str),
);

/**
 * A value that names no descriptor this process has open, for what closes
 * one (close(), and socket(fileno=) whose socket the case closes): closing a
 * small number would close the runtime's own (Deno's epoll descriptor, the
 * asyncio loop's socketpair), which Python does not survive either.
 */
const notFd = (plausible: fc.Arbitrary<V>): fc.Arbitrary<V> => noFds(or(plausible));

/**
 * Whether a value is, or holds, a number that may be an open descriptor in
 * either process (bools are 0 and 1).
 */
function hasFd(v: V): boolean {
  switch (v[0]) {
    case "bool":
      return true;
    case "int":
    case "big": {
      // Python cuts a descriptor to a C int: 2**32 + 1 is descriptor 1 there.
      const n = BigInt(v[1]);
      const cut = BigInt.asIntN(32, n);
      return (n >= 0n && n < 99999n) || (cut >= 0n && cut < 99999n);
    }
    case "tuple":
      return v[1].some(hasFd);
    case "dict":
      return v[1].some(([, x]) => hasFd(x));
    case "fileno":
      return v[1] !== "boom" && hasFd(v[1]);
    case "js":
      return v[2] !== undefined && hasFd(v[2]);
    default:
      return false;
  }
}

/**
 * Values where a descriptor goes (select's lists, sendfile's file, the
 * descriptors send_fds passes) that name none the process has: which small
 * numbers are open differs between python3 and the child, and a sendfile()
 * from one of Deno's own files to a peer that does not read could wait.
 */
const noFds = (arb: fc.Arbitrary<V>): fc.Arbitrary<V> => arb.filter((v) => !hasFd(v));
const arbSelectable = noFds(arbSelectablePlain);
const arbFile = noFds(arbFilePlain);

/** Descriptors: the case's socket's, or none that is open (small numbers differ between processes). */
const arbFdNum = notFd(fc.constantFrom<V>(["fd", "self"], int(-1), int(99999), int(2 ** 31)));

/** Arbitraries for a target's arguments, all optional beyond `min`. */
type ArgSpec = {
  min: number;
  args: fc.Arbitrary<V>[];
  kw?: [string, fc.Arbitrary<V>][];
  /** The most arguments a call that leaves out required ones passes (default min - 1). */
  fewer?: number;
};

const spec = (min: number, ...args: fc.Arbitrary<V>[]): ArgSpec => ({ min, args });

const METHOD_ARGS: Record<string, (bind: boolean) => ArgSpec> = {
  accept: () => spec(0),
  bind: () => spec(1, arbAddress(true)),
  close: () => spec(0),
  connect: () => spec(1, arbAddress(false)),
  connect_ex: () => spec(1, arbAddress(false)),
  detach: () => spec(0),
  dup: () => spec(0),
  fileno: () => spec(0),
  get_inheritable: () => spec(0),
  set_inheritable: () => spec(1, arbBool),
  getpeername: () => spec(0),
  getsockname: () => spec(0),
  getsockopt: () => spec(2, arbLevel, arbOptname, arbSize),
  setsockopt: () => spec(3, arbLevel, arbOptname, arbOptval, arbSize),
  getblocking: () => spec(0),
  gettimeout: () => spec(0),
  setblocking: () => spec(1, arbBool),
  settimeout: () => spec(1, arbTimeout),
  listen: () => spec(0, or(fc.constantFrom(0, 1, 5, -1, 2 ** 31, 2 ** 40).map(int))),
  makefile: () => spec(0, arbMode, arbBuffering),
  recv: () => spec(1, arbSize, arbFlags),
  recvfrom: () => spec(1, arbSize, arbFlags),
  recv_into: () => spec(1, arbWritable, arbSize, arbFlags),
  recvfrom_into: () => spec(1, arbWritable, arbSize, arbFlags),
  recvmsg: () => spec(1, arbSize, arbSize, arbFlags),
  recvmsg_into: () => spec(1, arbIterOf(arbWritable), arbSize, arbFlags),
  send: () => spec(1, arbData, arbFlags),
  sendall: () => spec(1, arbData, arbFlags),
  sendto: () => spec(2, arbData, or(fc.oneof(arbAddress(false), arbFlags)), arbAddress(false)),
  sendmsg: () =>
    spec(
      1,
      arbIterOf(arbData),
      arbAnc,
      arbFlags,
      or(fc.oneof(arbAddress(false), fc.constant(NONE))),
    ),
  sendfile: () => spec(1, arbFile, arbSize, or(fc.oneof(fc.constant(NONE), arbSize))),
  shutdown: () => spec(1, arbHow),
  family: () => spec(0),
  type: () => spec(0),
  proto: () => spec(0),
  timeout: () => spec(0),
};

const FUNC_ARGS: Record<string, ArgSpec> = {
  socket: spec(
    0,
    arbFamily,
    arbType,
    arbProto,
    notFd(fc.constantFrom<V>(NONE, int(-1), int(99999), int(2 ** 31))),
  ),
  socketpair: spec(0, arbFamily, arbType, arbProto),
  create_connection: {
    min: 1,
    args: [
      arbAddress(false),
      arbShortTimeout,
      or(fc.oneof(arbAddress(true), fc.constant(NONE))),
      arbAny, // Python's keyword-only all_errors, JS's options object
    ],
    kw: [["all_errors", arbBool]],
  },
  create_server: {
    min: 1,
    // A second positional argument: Python's keywords-only options, JS's options object.
    args: [arbAddress(true), arbAny],
    kw: [["family", arbFamily], ["backlog", or(fc.constantFrom(NONE, int(0), int(5), int(-1)))], [
      "reuse_port",
      arbBool,
    ], ["dualstack_ipv6", arbBool]],
  },
  fromfd: spec(3, arbFdNum, arbFamily, arbType, arbProto),
  dup: spec(1, arbFdNum),
  close: spec(1, notFd(fc.constantFrom<V>(int(-1), int(99999), int(2 ** 31), int(2 ** 32)))),
  getaddrinfo: spec(
    2,
    arbName,
    arbPort(false),
    or(consts("AF_INET", "AF_INET6", "AF_UNSPEC", "AF_UNIX")),
    or(consts("SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW")),
    arbProto,
    arbGaiFlags,
  ),
  getnameinfo: spec(2, arbAddress(false), arbNiFlags),
  gethostbyname: spec(1, arbName),
  gethostbyname_ex: spec(1, arbName),
  gethostbyaddr: spec(1, arbReverseName),
  gethostname: spec(0),
  getfqdn: spec(0, arbName),
  getservbyname: spec(1, arbServ, arbProtoName),
  getservbyport: spec(
    1,
    or(fc.constantFrom(22, 80, 53, 0, 65535, 65536, -1).map(int)),
    arbProtoName,
  ),
  getprotobyname: spec(1, arbProtoName),
  inet_aton: spec(
    1,
    or(fc.constantFrom("127.0.0.1", "1.2.3", "0x7f.1", "1.2.3.256", "", "a", "1.2.3.4\0").map(str)),
  ),
  inet_ntoa: spec(1, arbBuffer),
  inet_pton: spec(
    2,
    arbFamily,
    or(
      fc.constantFrom("127.0.0.1", "::1", "1.2.3", "::ffff:1.2.3.4", "", ":::", "1::2::3").map(str),
    ),
  ),
  inet_ntop: spec(2, arbFamily, arbBuffer),
  htons: spec(1, arbNumber),
  ntohs: spec(1, arbNumber),
  htonl: spec(1, arbNumber),
  ntohl: spec(1, arbNumber),
  CMSG_LEN: spec(1, arbNumber),
  CMSG_SPACE: spec(1, arbNumber),
  if_nametoindex: spec(
    1,
    or(fc.constantFrom("lo", "nosuch0", "", "lo\0", "x".repeat(20)).map(str)),
  ),
  if_indextoname: spec(1, arbNumber),
  if_nameindex: spec(0),
  getdefaulttimeout: spec(0),
  setdefaulttimeout: spec(1, arbTimeout),
  has_dualstack_ipv6: spec(0),
  send_fds: spec(
    3,
    arbSelectable,
    arbIterOf(arbData),
    noFds(arbIterOf(arbFdNum)),
    arbFlags,
    or(fc.constant(NONE)),
  ),
  recv_fds: spec(
    3,
    arbSelectable,
    arbSize,
    or(fc.constantFrom(0, 1, 4, -1, 2 ** 31).map(int)),
    arbFlags,
  ),
  // Never three arguments: select() without a timeout waits forever.
  select: {
    ...spec(
      4,
      noFds(arbIterOf(arbSelectable)),
      noFds(arbIterOf(arbSelectable)),
      noFds(arbIterOf(arbSelectable)),
      arbShortTimeout,
    ),
    fewer: 2,
  },
};

const sockArg = or(fc.constant<V>(["sock", "self"]), 12);
const ASYNC_ARGS: Record<string, ArgSpec> = {
  sock_recv: spec(2, sockArg, arbSize),
  sock_recv_into: spec(2, sockArg, arbWritable),
  sock_recvfrom: spec(2, sockArg, arbSize),
  sock_recvfrom_into: spec(2, sockArg, arbWritable, arbSize),
  sock_sendall: spec(2, sockArg, arbData),
  sock_sendto: spec(3, sockArg, arbData, arbAddress(false)),
  sock_accept: spec(1, sockArg),
  sock_connect: spec(2, sockArg, arbAddress(false)),
  sock_sendfile: {
    min: 2,
    args: [sockArg, arbFile, arbSize, arbSize],
    kw: [["fallback", arbBool]],
  },
};

const FILE_ARGS: Record<string, ArgSpec> = {
  read: spec(0, or(fc.constantFrom(-1, 0, 1, 5, 100, 2 ** 63).map(int))),
  readline: spec(0, or(fc.constantFrom(-1, 0, 1, 5, 100).map(int))),
  readlines: spec(0),
  write: spec(1, arbData),
  flush: spec(0),
  close: spec(0),
};

/**
 * A call to a target: its required arguments, and each optional one with
 * some chance (stopping at the first left out). One case in 20 leaves out a
 * required one too.
 */
function arbCall(name: string, s: ArgSpec): fc.Arbitrary<Call> {
  const n = s.args.length;
  const count = fc.oneof(
    { arbitrary: fc.integer({ min: s.min, max: n }), weight: 19 },
    {
      arbitrary: fc.integer({ min: 0, max: Math.max(0, s.fewer ?? s.min - 1) }),
      weight: s.min > 0 ? 1 : 0,
    },
  );
  const kw = s.kw
    ? fc.subarray(s.kw).chain((keys) =>
      fc.tuple(...keys.map(([k, a]) => a.map((v): [string, V] => [k, v])))
    )
    : fc.constant([] as [string, V][]);
  return fc.tuple(count, fc.tuple(...s.args), kw).map(([c, args, kws]) => {
    const call: Call = { name, args: args.slice(0, c) };
    if (kws.length) call.kw = kws;
    return call;
  });
}

const NONBLOCKING: Receiver[] = [
  "tcp4",
  "tcp6",
  "udp4",
  "udp6",
  "unix",
  "unixd",
  "pair",
  "upair",
  "listen4",
];
/** Calls that may come before the one under test: none that would leave later calls waiting. */
const arbPrior = (r: Receiver): fc.Arbitrary<Call[]> => {
  // On the blocking sockets a listen() would let an accept() wait forever.
  const names = r === "blocking" || r === "eof"
    ? ["setsockopt", "close", "detach", "shutdown"]
    : ["bind", "listen", "setsockopt", "close", "detach", "shutdown"];
  const one = fc.constantFrom(...names).chain((n) => arbCall(n, METHOD_ARGS[n](true)));
  return fc.oneof(
    { arbitrary: fc.constant([] as Call[]), weight: 6 },
    { arbitrary: fc.array(one, { minLength: 1, maxLength: 2 }), weight: 2 },
  );
};

export const arbMethodCase: fc.Arbitrary<Case> = fc.constantFrom<Receiver>(
  ...NONBLOCKING,
  ...NONBLOCKING,
  "eof",
  "eof",
  "udp4t",
  "blocking",
  "blocking",
  "closed",
  "detached",
).chain((recv) =>
  fc.tuple(
    arbPrior(recv),
    fc.constantFrom(...Object.keys(METHOD_ARGS)).chain((n) => arbCall(n, METHOD_ARGS[n](false))),
  ).map(([prior, call]): Case => ({ kind: "method", recv, prior, call }))
);

export const arbFuncCase: fc.Arbitrary<Case> = fc.tuple(
  fc.constantFrom<Receiver>("tcp4", "pair", "udp4", "closed"),
  fc.constantFrom(...Object.keys(FUNC_ARGS)).chain((n) => arbCall(n, FUNC_ARGS[n])),
).map(([recv, call]): Case => ({ kind: "func", recv, prior: [], call }));

export const arbAsyncCase: fc.Arbitrary<Case> = fc.tuple(
  // Few sockets on which an operation would wait: each waits out the bound.
  fc.constantFrom<Receiver>(
    "pair",
    "pair",
    "upair",
    "tcp4",
    "tcp6",
    "unix",
    "closed",
    "detached",
    "blocking",
    "eof",
    "udp4",
    "listen4",
  ),
  fc.constantFrom(...Object.keys(ASYNC_ARGS)).chain((n) => arbCall(n, ASYNC_ARGS[n])),
).map(([recv, call]): Case => ({ kind: "async", recv, prior: [], call }));

export const arbFileCase: fc.Arbitrary<Case> = fc.tuple(
  arbCall(
    "makefile",
    spec(0, or(fc.constantFrom("r", "rb", "w", "wb", "rw", "rwb").map(str), 20), arbBuffering),
  ),
  fc.constantFrom(...Object.keys(FILE_ARGS)).chain((n) => arbCall(n, FILE_ARGS[n])),
).map(([open, call]): Case => ({ kind: "file", recv: "eof", prior: [], open, call }));

/** Every kind of case, in proportion. */
export const arbCase: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: arbMethodCase, weight: 10 },
  { arbitrary: arbFuncCase, weight: 8 },
  { arbitrary: arbAsyncCase, weight: 2 },
  { arbitrary: arbFileCase, weight: 1 },
);

// --- Python ---------------------------------------------------------------------

const PY_OBJ: Record<ObjClass, string> = {
  Object: "Object()",
  Number: "Number()",
  String: "String()", // iterable, as a JS String object is
  Symbol: "Symbol()",
  function: "(lambda: 0)",
  Date: "Date()",
  Index: "Index()",
  object: "object()",
  generator: "(x for x in ())",
};

/** Python bytes from hex: `bytes(n)` for zeros, which keeps long buffers short. */
function pyBytes(ctor: string, hex: string): string {
  if (hex.startsWith("0*")) return `${ctor}(${hex.slice(2)})`;
  return /^(00)*$/.test(hex) ? `${ctor}(${hex.length / 2})` : `${ctor}.fromhex("${hex}")`;
}

/** The Python expression for a value (null: it has none). */
export function py(v: V): string | null {
  switch (v[0]) {
    case "int":
    case "big":
      return v[1];
    case "float":
      return /^-?(nan|inf)$/.test(v[1]) ? `float("${v[1]}")` : v[1];
    case "str":
      return JSON.stringify(v[1]);
    case "bytes":
      return pyBytes("bytes", v[1]);
    case "bytearray":
      return pyBytes("bytearray", v[1]);
    case "i32":
      return `array.array("i", [${v[1].join(", ")}])`;
    case "none":
    case "undef":
      return "None";
    case "bool":
      return v[1] ? "True" : "False";
    case "tuple": {
      const items = v[1].map(py);
      if (items.includes(null)) return null;
      return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
    }
    case "dict": {
      const items = v[1].map(([k, x]) => [k, py(x)]);
      if (items.some(([, x]) => x === null)) return null;
      return `{${items.map(([k, x]) => `${JSON.stringify(k)}: ${x}`).join(", ")}}`;
    }
    case "obj":
      return PY_OBJ[v[1]];
    case "fileno": {
      const inner = v[1] === "boom" ? "Boom()" : py(v[1]);
      return inner === null ? null : `Fileno(${inner})`;
    }
    case "sock":
      return v[1] === "self" ? "s" : v[1] === "peer" ? "p" : "closed_sock()";
    case "fd":
      return v[1] === "self" ? "s.fileno()" : "p.fileno()";
    case "file":
      return "FILE()";
    case "path":
      return `TMP + ${JSON.stringify("/" + v[1])}`;
    case "abstract":
      return `"\\0" + RUN + ${JSON.stringify(v[1])}`;
    case "const":
      return `socket.${v[1]}`;
    case "js": {
      const [, kind, inner] = v;
      if (JS_ONLY.has(kind)) return null;
      switch (kind) {
        case "proxy":
        case "frozen":
          return py(inner!);
        case "hole": {
          const x = py(inner!);
          return x === null ? null : `(None, ${x})`;
        }
        case "sparse":
          return "(None,) * 100000";
        case "dataview":
          return `memoryview(${py(["bytearray", (inner as ["bytearray", string])[1]])})`;
        default: // the byte buffers: their real bytes
          return py(["bytearray", (inner as ["bytearray", string])[1]]);
      }
    }
  }
}

function pyArgs(call: Call): string | null {
  const args = call.args.map(py);
  const kw = (call.kw ?? []).map(([k, v]) => {
    const x = py(v);
    return x === null ? null : `${k}=${x}`;
  });
  if (args.includes(null) || kw.includes(null)) return null;
  return [...args, ...kw].join(", ");
}

const PROPERTIES = new Set(["family", "type", "proto", "timeout"]);

/** The case as Python code: a list of functions of (s, p, st), the last the call under test. */
export function pyCase(c: Case): string | null {
  const method = (call: Call) => {
    const a = pyArgs(call);
    if (a === null) return null;
    return PROPERTIES.has(call.name) ? `s.${call.name}` : `s.${call.name}(${a})`;
  };
  const calls: (string | null)[] = c.prior.map(method);
  const a = pyArgs(c.call);
  if (c.kind === "method") calls.push(method(c.call));
  else if (c.kind === "func") {
    calls.push(a === null ? null : `${FUNCS[c.call.name].py ?? "socket." + c.call.name}(${a})`);
  } else if (c.kind === "async") calls.push(a === null ? null : `loop.${c.call.name}(${a})`);
  else {
    const open = pyArgs(c.open!);
    calls.push(open === null ? null : `st.update(f=s.makefile(${open}))`);
    calls.push(a === null ? null : `st["f"].${c.call.name}(${a})`);
  }
  if (calls.includes(null)) return null;
  return `[${calls.map((x) => `lambda s, p, st: ${x}`).join(", ")}]`;
}

/** What the peer of "pair" sends, and of "eof" (lines, then the end of the stream). */
export const PAIR_DATA = "0123456789abcdef".repeat(4);
export const EOF_DATA = "line one\nline two\n" + "x".repeat(40) + "\nlast";

/**
 * The python3 program that runs cases: reads `[[kind, recv, call name, code
 * or null], ...]` as JSON on stdin and prints one JSON outcome per case:
 * `[index of the call that raised, JS class, errno, message, Python class]`,
 * `[-1, "OK", value]`, `[-1, "PENDING"]`, or null for a JS-only case.
 */
export const PY_HARNESS = String.raw`
import array, asyncio, json, os, select, socket, sys, warnings
warnings.simplefilter("ignore")
TMP, RUN = sys.argv[1], sys.argv[2]
os.chdir(TMP)  # a relative AF_UNIX path binds here, emptied after every case
PAIR_DATA = ${JSON.stringify(PAIR_DATA)}.encode()
EOF_DATA = ${JSON.stringify(EOF_DATA)}.encode()

class Boom(Exception): pass
class Object: pass
class Number: pass
class String:
    def __iter__(self): return iter("127.0.0.1")
class Symbol: pass
class Date: pass
class Index: pass
class Fileno:
    def __init__(self, v): self.v = v
    def fileno(self):
        if isinstance(self.v, Boom): raise self.v
        return self.v

opened = []
def FILE():
    f = open("/etc/hostname", "rb")
    opened.append(f)
    return f
def closed_sock():
    c = socket.socket()
    c.close()
    return c

def make(kind):
    p = None
    if kind == "tcp4": s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    elif kind == "tcp6": s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    elif kind == "udp4": s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    elif kind == "udp6": s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    elif kind == "unix": s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    elif kind == "unixd": s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    elif kind == "pair":
        s, p = socket.socketpair()
        p.sendall(PAIR_DATA)
        p.setblocking(False)
    elif kind == "upair":
        s, p = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        p.send(b"first")
        p.send(b"second")
        p.setblocking(False)
    elif kind == "eof":
        s, p = socket.socketpair()
        p.sendall(EOF_DATA)
        p.shutdown(socket.SHUT_WR)
        return s, p
    elif kind == "listen4":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
    elif kind == "udp4t":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.002)
        return s, p
    elif kind == "blocking": return socket.socket(), p
    elif kind == "closed":
        s = socket.socket()
        s.close()
        return s, p
    elif kind == "detached":
        s = socket.socket()
        os.close(s.detach())
        return s, p
    s.setblocking(False)
    return s, p

def norm(v):
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return int(v) if abs(v) < 2**53 else {"int": str(int(v))}
    if isinstance(v, float):
        if v != v: return "nan"
        if v in (float("inf"), float("-inf")): return str(v)
        return v
    if isinstance(v, (bytes, bytearray, memoryview)): return {"bytes": bytes(v).hex()}
    if isinstance(v, (list, tuple)): return [norm(x) for x in v]
    if isinstance(v, socket.socket): return "<socket>"
    return "<" + type(v).__name__ + ">"

def failure(e):
    name = type(e).__name__
    if isinstance(e, (ValueError, OverflowError)): cls = "RangeError"
    elif name == "ExceptionGroup": cls = "AggregateError"
    else: cls = name
    return [cls, e.errno if isinstance(e, OSError) else None, str(e), name]

loop = asyncio.new_event_loop()
loop.set_debug(True)
loop.slow_callback_duration = 1e9
PENDING = object()
def bounded(coro):
    async def main():
        task = asyncio.ensure_future(coro)
        done, _ = await asyncio.wait({task}, timeout=0.03)
        if not done:
            task.cancel()
            try: await task
            except BaseException: pass
            return PENDING
        return task.result()
    return loop.run_until_complete(main())

def dispose(v, name):
    if isinstance(v, socket.socket): v.close()
    elif isinstance(v, (list, tuple)):
        for x in v: dispose(x, "")
    elif isinstance(v, int) and not isinstance(v, bool) and name in ("detach", "dup") and v > 2:
        try: os.close(v)
        except OSError: pass
    elif hasattr(v, "close") and not isinstance(v, (bytes, bytearray, str)):
        try: v.close()
        except Exception: pass

def run(kind, recv, name, calls):
    s, p = make(recv)
    st = {}
    out = None
    try:
        for i, f in enumerate(calls):
            last = i == len(calls) - 1
            try:
                r = f(s, p, st)
                if kind == "async" and last: r = bounded(r)
            except Exception as e:
                out = [i] + failure(e)
                break
            if r is PENDING: out = [-1, "PENDING"]
            elif last: out = [-1, "OK", norm(r)]
            dispose(r, name if last else "detach")
    finally:
        for f in [st.get("f"), s, p] + opened:
            try:
                if f is not None: f.close()
            except Exception: pass
        opened.clear()
        for entry in os.listdir(os.fsencode(TMP)):
            os.unlink(os.path.join(os.fsencode(TMP), entry))
        socket.setdefaulttimeout(None)
    return out

cases = json.load(sys.stdin)
results = []
for index, (kind, recv, name, code) in enumerate(cases):
    print(index, file=sys.stderr, flush=True)
    results.append(None if code is None else run(kind, recv, name, eval(code)))
print(json.dumps(results))
`;
