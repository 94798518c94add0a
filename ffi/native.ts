// The one interface every backend implements. lib/ sees only this: numbers,
// bytes and errno values, never a pointer and never Deno.build.os.
//
// Calls that the OS reports as failed return -1 (or null) and leave the error
// code for `errno()`, which must be read before the next native call.

import type { Layout } from "./layout.ts";

/** One getaddrinfo result, decoded. */
export interface AddrInfo {
  family: number;
  socktype: number;
  protocol: number;
  canonname: string;
  /** The raw sockaddr bytes. */
  addr: Uint8Array;
}

/** A decoded struct hostent. */
export interface HostEnt {
  name: string;
  aliases: string[];
  addrtype: number;
  /** Raw addresses (4 or 16 bytes each). */
  addrs: Uint8Array[];
}

/** One control message of recvmsg/sendmsg. */
export type Cmsg = [level: number, type: number, data: Uint8Array];

/** What recvmsg returns. */
export interface MsgIn {
  /** Bytes received, or -1 with errno set. */
  n: number;
  ancillary: Cmsg[];
  flags: number;
  /** The sender's sockaddr (empty when the socket gives none). */
  addr: Uint8Array;
}

/** Values of the system's own headers that lib/ needs beyond Python's table. */
export interface SysValues {
  POLLIN: number;
  POLLPRI: number;
  POLLOUT: number;
  POLLERR: number;
  POLLHUP: number;
  POLLNVAL: number;
  /** socket() type flags that set non-blocking/close-on-exec atomically, or 0. */
  SOCK_NONBLOCK: number;
  SOCK_CLOEXEC: number;
  /** Size of one cmsghdr header and the alignment of control data. */
  cmsgHeader: number;
  cmsgAlign: number;
}

/**
 * Readiness for many descriptors at once: epoll on Linux and kqueue on macOS,
 * which report edges (a descriptor is reported when it may have become
 * readable or writable since it was last reported), and WSAPoll on Windows,
 * which reports levels and so watches only the directions someone waits for.
 */
export interface Poller {
  /** Registers a descriptor for read and write readiness; -1 with errno on failure. */
  add(fd: number): number;
  /** Stops watching a descriptor (closing it does the same). */
  remove(fd: number): void;
  /**
   * Says which directions of a registered descriptor have waiters. Edge
   * pollers watch both anyway and ignore it; a level poller watches only
   * these, so that a readable socket nobody reads cannot keep it spinning.
   */
  want(fd: number, read: boolean, write: boolean): void;
  /**
   * Waits on another thread until something is ready or wake() is called,
   * and resolves with the number of events, read with event(i). Only one
   * wait may be in flight; the event buffer is not touched until it resolves.
   */
  wait(): Promise<number>;
  /**
   * Waits on this thread, at most `us` microseconds (0: just looks), and
   * returns the number of events, read with event(i). Only while no wait()
   * is in flight.
   */
  poll(us: number): number;
  /**
   * Event i of the last wait or poll: [fd, readable, writable]; errors and
   * hang-ups count as both. The array may be reused by the next call.
   */
  event(i: number): [fd: number, readable: boolean, writable: boolean];
  /** Makes a pending wait return soon. */
  wake(): void;
  /**
   * Says that descriptor `fd` is in use, so that the poller can make room
   * for the ones that follow before they are needed (Linux: see epollPoller).
   */
  reserve?(fd: number): void;
}

/**
 * Level-triggered epoll, as Python's `select.epoll` uses it, for
 * `selectors.EpollSelector` (Linux only). Operations and event bits are
 * Linux's numbers.
 */
export interface EpollCalls {
  /** epoll_create1(EPOLL_CLOEXEC): a descriptor, or -1 (errno). */
  create(): number;
  /** epoll_ctl: 0, or -1 (errno). */
  ctl(epfd: number, op: number, fd: number, events: number): number;
  /**
   * epoll_wait on this thread for at most `timeoutMs` (-1: no limit), up to
   * `max` events: their count, or -1 (errno). Read them with event(i).
   */
  wait(epfd: number, max: number, timeoutMs: number): number;
  /** Event i of the last wait: [fd, events]; the array is reused. */
  event(i: number): [fd: number, events: number];
}

/** The native backend. */
export interface Native {
  /** The OS, for messages and for ffi/'s own choices: lib/ asks the facts below instead. */
  readonly os: "linux" | "darwin" | "windows";
  readonly layout: Layout;
  /** The errno a non-blocking connect() reports while it goes on (Winsock: WSAEWOULDBLOCK). */
  readonly connectInProgress: number;
  /** Whether socketpair() is built from a loopback TCP connection, as on Windows, which has none. */
  readonly socketpairEmulated: boolean;
  /** Whether SO_REUSEADDR lets a second socket take a port that one holds (Windows), rather than
   * only a port in TIME_WAIT. */
  readonly reuseAddrSteals: boolean;
  /** Whether error codes from 10000 up are Winsock's (Python says "[WinError 10061] ..."). */
  readonly winsockErrors: boolean;
  /** The OS's line separator (Python's os.linesep), which text files write for "\n". */
  readonly linesep: "\n" | "\r\n";
  /** How the OS waits on many descriptors. */
  readonly multiplexer: "epoll" | "kqueue" | "wsapoll";
  /** Python's socket constants for this OS. */
  readonly constants: Readonly<Record<string, number>>;
  /** Python's string constants for this OS (BDADDR_ANY and the like). */
  readonly strings: Readonly<Record<string, string>>;
  /** errno names to values for this OS. */
  readonly errnos: Readonly<Record<string, number>>;
  readonly sys: SysValues;

  /** The error code of the last failed call. */
  errno(): number;
  /** The system's text for an errno value. */
  strerror(code: number): string;
  /** The resolver's text for an EAI_* value. */
  gai_strerror(code: number): string;
  /** The resolver's text for an h_errno value. */
  hstrerror(code: number): string;

  socket(family: number, type: number, proto: number): number;
  socketpair(family: number, type: number, proto: number, fds: Int32Array): number;
  close(fd: number): number;
  bind(fd: number, addr: Uint8Array, len: number): number;
  connect(fd: number, addr: Uint8Array, len: number): number;
  listen(fd: number, backlog: number): number;
  /** accept; the new descriptor is close-on-exec. `len[0]` is in/out. */
  /** accept; `addr` and `len` null for no peer address (AF_ALG takes none). */
  accept(fd: number, addr: Uint8Array | null, len: Uint32Array | null): number;
  getsockname(fd: number, addr: Uint8Array, len: Uint32Array): number;
  getpeername(fd: number, addr: Uint8Array, len: Uint32Array): number;
  getsockopt(
    fd: number,
    level: number,
    opt: number,
    buf: Uint8Array,
    len: Uint32Array,
  ): number;
  setsockopt(
    fd: number,
    level: number,
    opt: number,
    buf: Uint8Array | null,
    len: number,
  ): number;
  recv(fd: number, buf: Uint8Array, flags: number): number;
  send(fd: number, buf: Uint8Array, flags: number): number;
  recvfrom(
    fd: number,
    buf: Uint8Array,
    flags: number,
    addr: Uint8Array,
    len: Uint32Array,
  ): number;
  sendto(
    fd: number,
    buf: Uint8Array,
    flags: number,
    addr: Uint8Array,
    addrlen: number,
  ): number;
  /** recvmsg(2), where the OS has it (Winsock has no plain recvmsg). */
  recvmsg?(
    fd: number,
    bufs: Uint8Array[],
    ancbufsize: number,
    flags: number,
    addrSize: number,
  ): MsgIn;
  /** sendmsg(2), where the OS has it. */
  sendmsg?(
    fd: number,
    bufs: Uint8Array[],
    ancillary: Cmsg[],
    flags: number,
    addr: Uint8Array | null,
  ): number;
  shutdown(fd: number, how: number): number;
  /** Zero-copy file to socket; `offset[0]` advances. -1 with ENOSYS where absent. */
  sendfile(out: number, inFd: number, offset: BigInt64Array, count: number): number;
  /** Open a file read-only (for sendfile). */
  openRead(path: string): number;
  /** The path a file: URL names, in this OS's spelling ("file:///C:/x" is "C:\\x" on Windows). */
  pathOfFileUrl(url: URL): string;
  /** pread: read at an offset without moving the file position. */
  pread(fd: number, buf: Uint8Array, offset: number): number;

  /** Wait on one descriptor: -1 (errno), 0 (timed out) or the revents. */
  poll1(fd: number, events: number, timeoutMs: number): number;
  /** Wait on many: fills `revents`, returns the count ready or -1. */
  poll(fds: number[], events: number[], revents: number[], timeoutMs: number): number;

  setNonblocking(fd: number, on: boolean): number;
  /** 1 if inheritable (no close-on-exec), 0 if not, -1 on error. */
  getInheritable(fd: number): number;
  setInheritable(fd: number, on: boolean): number;
  /** dup() with close-on-exec set. */
  dup(fd: number): number;
  /**
   * macOS only: fills in the id of the kernel control that a struct ctl_info
   * request names (CTLIOCGINFO, asked of a PF_SYSTEM control socket) and
   * returns it, or -1 with errno set.
   */
  ctlInfo?(request: Uint8Array): number;
  /** Windows only: WSAIoctl with an input buffer and no output. */
  ioctl?(fd: number, code: number, input: Uint8Array): number;
  /** Windows only: the WSAPROTOCOL_INFOW that lets process `pid` open this socket, or null. */
  share?(fd: number, pid: number): Uint8Array | null;
  /** Windows only: a socket from bytes that share() made, which are `shareSize` long. */
  fromshare?(info: Uint8Array): number;
  /** Windows only: the size of what share() makes (a WSAPROTOCOL_INFOW). */
  readonly shareSize?: number;
  /**
   * The readiness facility for the async path: null where there is none yet,
   * undefined (errno set) when making one failed, as at EMFILE.
   */
  poller(): Poller | null | undefined;
  /** Level-triggered epoll for selectors; null where the OS has none. */
  readonly epoll: EpollCalls | null;
  /** An open socket's [family, type, proto], or null (errno set) when it is not one. */
  socketInfo(fd: number): [family: number, type: number, proto: number] | null;

  inet_pton(family: number, text: string): Uint8Array | null;
  inet_ntop(family: number, bytes: Uint8Array): string | null;
  /** libc inet_aton: null when the text is not a valid address. */
  inet_aton(text: string): Uint8Array | null;

  /** getaddrinfo: [EAI code (0 on success), results]. */
  getaddrinfo(
    host: string | null,
    port: string | null,
    family: number,
    type: number,
    proto: number,
    flags: number,
  ): [number, AddrInfo[]];
  /** getnameinfo: [EAI code, host, service]. */
  getnameinfo(addr: Uint8Array, flags: number): [number, string, string];
  /** gethostbyname_r: [h_errno (0 on success), entry]. */
  gethostbyname(name: string): [number, HostEnt | null];
  /** gethostbyaddr_r: [h_errno (0 on success), entry]. */
  gethostbyaddr(addr: Uint8Array, family: number): [number, HostEnt | null];
  gethostname(): string | null;
  /** sethostname: 0, or -1 (errno); Windows has none (ENOSYS). */
  sethostname(name: Uint8Array): number;
  /** getservbyname: the port in host order, or -1. */
  getservbyname(name: string, proto: string | null): number;
  /** getservbyport (port in host order): the service name, or null. */
  getservbyport(port: number, proto: string | null): string | null;
  /** getprotobyname: the number, or -1. */
  getprotobyname(name: string): number;
  if_nameindex(): [number, string][] | null;
  if_nametoindex(name: string): number;
  if_indextoname(index: number): string | null;
}
