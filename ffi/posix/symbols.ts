// The libc symbols pysocket binds, with their C signatures.
//
// Types: `buffer` is a pointer to memory that JS owns for the call (a typed
// array), `pointer` one that C owns. size_t/ssize_t arguments are `usize` and
// take a bigint, which keeps the call on V8's fast path.
//
// ssize_t results (recv, send, ...) are declared `i32`: both x86_64 and arm64
// return them in one 64-bit register whose low half holds the value, and the
// backend never asks for more than 0x7ffff000 bytes in one call (Linux's own
// limit for a single read or write), so the low half is the whole answer and no
// bigint is made per call.

/** Symbols every POSIX libc has. */
export const symbols = {
  // --- sockets -------------------------------------------------------------
  // int socket(int domain, int type, int protocol)
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  // int socketpair(int domain, int type, int protocol, int sv[2])
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // int close(int fd)
  close: { parameters: ["i32"], result: "i32" },
  // int bind(int fd, const struct sockaddr *addr, socklen_t len)
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // int connect(int fd, const struct sockaddr *addr, socklen_t len)
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // int listen(int fd, int backlog)
  listen: { parameters: ["i32", "i32"], result: "i32" },
  // int accept(int fd, struct sockaddr *addr, socklen_t *len)
  accept: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
  getsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
  setsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "u32"],
    result: "i32",
  },
  // ssize_t recv(int fd, void *buf, size_t len, int flags)
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  // ssize_t send(int fd, const void *buf, size_t len, int flags)
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  // ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
  //                  struct sockaddr *addr, socklen_t *alen)
  recvfrom: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // ssize_t sendto(int fd, const void *buf, size_t len, int flags,
  //                const struct sockaddr *addr, socklen_t alen)
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "i32",
  },
  // ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // int shutdown(int fd, int how)
  shutdown: { parameters: ["i32", "i32"], result: "i32" },

  // --- descriptors -----------------------------------------------------------
  // int poll(struct pollfd *fds, nfds_t nfds, int timeout)
  poll: { parameters: ["buffer", "usize", "i32"], result: "i32" },
  // int open(const char *path, int flags)
  open: { parameters: ["buffer", "i32"], result: "i32" },
  // ssize_t pread(int fd, void *buf, size_t count, off_t offset)
  pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "i32" },
  // ssize_t read(int fd, void *buf, size_t count)
  read: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  // ssize_t write(int fd, const void *buf, size_t count)
  write: { parameters: ["i32", "buffer", "usize"], result: "i32" },

  // --- addresses ---------------------------------------------------------------
  // int inet_pton(int af, const char *src, void *dst)
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
  inet_ntop: {
    parameters: ["i32", "buffer", "buffer", "u32"],
    result: "pointer",
  },
  // int inet_aton(const char *cp, struct in_addr *inp)
  inet_aton: { parameters: ["buffer", "buffer"], result: "i32" },

  // --- resolver ------------------------------------------------------------------
  // int getaddrinfo(const char *node, const char *service,
  //                 const struct addrinfo *hints, struct addrinfo **res)
  getaddrinfo: {
    parameters: ["buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // void freeaddrinfo(struct addrinfo *res)
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  // const char *gai_strerror(int code)
  gai_strerror: { parameters: ["i32"], result: "pointer" },
  // int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
  //                 socklen_t hostlen, char *serv, socklen_t servlen, int flags)
  getnameinfo: {
    parameters: ["buffer", "u32", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
  },
  // int gethostname(char *name, size_t len)
  gethostname: { parameters: ["buffer", "usize"], result: "i32" },
  // int sethostname(const char *name, size_t len) (macOS: int len; the
  // register holds either)
  sethostname: { parameters: ["buffer", "usize"], result: "i32" },
  // struct servent *getservbyname(const char *name, const char *proto)
  getservbyname: { parameters: ["buffer", "buffer"], result: "pointer" },
  // struct servent *getservbyport(int port, const char *proto)
  getservbyport: { parameters: ["i32", "buffer"], result: "pointer" },
  // struct protoent *getprotobyname(const char *name)
  getprotobyname: { parameters: ["buffer"], result: "pointer" },
  // const char *hstrerror(int err)
  hstrerror: { parameters: ["i32"], result: "pointer" },

  // --- interfaces ----------------------------------------------------------------
  // struct if_nameindex *if_nameindex(void)
  if_nameindex: { parameters: [], result: "pointer" },
  // void if_freenameindex(struct if_nameindex *ptr)
  if_freenameindex: { parameters: ["pointer"], result: "void" },
  // unsigned if_nametoindex(const char *name)
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  // char *if_indextoname(unsigned index, char *name)
  if_indextoname: { parameters: ["u32", "buffer"], result: "pointer" },

  // --- errors --------------------------------------------------------------------
  // char *strerror(int errnum)
  strerror: { parameters: ["i32"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** Symbols only glibc (Linux) has. */
export const linuxSymbols = {
  // int epoll_create1(int flags)
  epoll_create1: { parameters: ["i32"], result: "i32" },
  // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout):
  // run on another thread (nonblocking), so waiting never blocks the event loop.
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
  // int epoll_pwait2(int epfd, struct epoll_event *events, int max,
  //                  const struct timespec *timeout, const sigset_t *sigmask):
  // the short synchronous wait, with a timeout finer than a millisecond
  // (glibc 2.35 and Linux 5.11; else epoll_wait_now with whole milliseconds)
  epoll_pwait2: {
    parameters: ["i32", "buffer", "i32", "buffer", "pointer"],
    result: "i32",
    optional: true,
  },
  // epoll_wait on this thread
  epoll_wait_now: {
    name: "epoll_wait",
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  // int fcntl(int fd, int cmd, int arg) as F_DUPFD_CLOEXEC, run on another
  // thread: what grows the descriptor table ahead of need (see epollPoller).
  // (fcntl is variadic, but on Linux an int argument goes where a fixed one would.)
  fcntl_dupfd_later: {
    name: "fcntl",
    parameters: ["i32", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  // int eventfd(unsigned int initval, int flags)
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  // int *__errno_location(void): the calling thread's errno
  __errno_location: { parameters: [], result: "pointer" },
  // int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  // ssize_t sendfile(int out, int in, off_t *offset, size_t count)
  sendfile: {
    parameters: ["i32", "i32", "buffer", "usize"],
    result: "i32",
  },
  // int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset): sendfile
  // takes no MSG_NOSIGNAL, so SIGPIPE is held back on this thread around it
  pthread_sigmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout):
  // takes a SIGPIPE that sendfile raised while it was held back
  sigtimedwait: { parameters: ["buffer", "pointer", "buffer"], result: "i32" },
  // int gethostbyname_r(const char *name, struct hostent *ret, char *buf,
  //                     size_t buflen, struct hostent **result, int *h_errnop)
  gethostbyname_r: {
    parameters: ["buffer", "buffer", "buffer", "usize", "buffer", "buffer"],
    result: "i32",
  },
  // int gethostbyaddr_r(const void *addr, socklen_t len, int type,
  //                     struct hostent *ret, char *buf, size_t buflen,
  //                     struct hostent **result, int *h_errnop)
  gethostbyaddr_r: {
    parameters: [
      "buffer",
      "u32",
      "i32",
      "buffer",
      "buffer",
      "usize",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** Symbols only macOS's libSystem has (or needs). */
export const darwinSymbols = {
  // int *__error(void): the calling thread's errno
  __error: { parameters: [], result: "pointer" },
  // struct hostent *gethostbyname(const char *name): macOS has no _r variants;
  // its results live in per-thread storage.
  gethostbyname: { parameters: ["buffer"], result: "pointer" },
  // struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
  gethostbyaddr: { parameters: ["buffer", "u32", "i32"], result: "pointer" },
  // void *dlsym(void *handle, const char *symbol): finds the address of the
  // global h_errno, which an FFI static could only read once, at load time.
  dlsym: { parameters: ["pointer", "buffer"], result: "pointer" },
  // int kqueue(void)
  kqueue: { parameters: [], result: "i32" },
  // int kevent(int kq, const struct kevent *changelist, int nchanges,
  //            struct kevent *eventlist, int nevents, const struct timespec *timeout):
  // on this thread, to apply changes and for the reactor's short wait
  kevent: {
    parameters: ["i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // The same call waiting on a worker thread: the async reactor's wait.
  kevent_wait: {
    name: "kevent",
    parameters: ["i32", "buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

// --- variadic functions ---------------------------------------------------------
//
// fcntl and ioctl are variadic: int fcntl(int fd, int cmd, ...) and
// int ioctl(int fd, unsigned long request, ...). FFI calls them through a
// fixed signature, and that is right wherever variadic arguments travel like
// fixed ones: System V x86_64 (Linux, macOS on Intel), Linux's AAPCS64 and
// Windows x64 all put the third argument in the third argument register.
//
// Apple's arm64 ABI is the exception: every variadic argument goes on the
// stack, in 8-byte slots starting at [sp], and the callee's va_arg reads it
// from there, never from x2. A plain (i32, i32, i32) signature would leave the
// value in x2 and the callee would read whatever lies at [sp]. So on
// darwin-arm64 the signature gets six padding arguments that fill x2-x7; the
// ninth argument is the first that has no register left, and the ABI puts it
// at [sp], exactly where va_arg looks. It is declared 64-bit (i64 or a
// pointer) so that the whole 8-byte slot is written.

/** Argument registers for integers on arm64 (x0-x7). */
const ARM64_REGISTERS = 8;

/** Whether variadic arguments travel on the stack (Apple arm64) on this platform. */
export function variadicOnStack(os: string, arch: string): boolean {
  return os === "darwin" && arch === "aarch64";
}

/** fcntl and ioctl with the signature that puts their third argument where the callee reads it. */
export function variadicSymbols(onStack: boolean) {
  const pad = Array<"i64">(onStack ? ARM64_REGISTERS - 2 : 0).fill("i64");
  return {
    // int fcntl(int fd, int cmd, ... /* int arg */)
    fcntl: { parameters: ["i32", "i32", ...pad, onStack ? "i64" : "i32"], result: "i32" },
    // int ioctl(int fd, unsigned long request, ... /* void *arg */)
    ioctl: { parameters: ["i32", "u64", ...pad, "buffer"], result: "i32" },
  } as const satisfies Deno.ForeignLibraryInterface;
}

/** The arguments for a variadic call: the fixed ones, the padding when needed, then `arg`. */
export function variadicArgs<T>(
  onStack: boolean,
  fixed: (number | bigint)[],
  arg: T,
): (number | bigint | T)[] {
  if (!onStack) return [...fixed, arg];
  return [...fixed, ...Array<number>(ARM64_REGISTERS - fixed.length).fill(0), arg];
}
