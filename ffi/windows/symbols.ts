// The Windows symbols pysocket binds, with their C signatures: Winsock 2
// (ws2_32.dll), a few kernel32 calls for error text and handle flags, and the
// interface-name calls of iphlpapi.dll.
//
// Types: SOCKET is a UINT_PTR, so `usize`: results come back as bigints and
// INVALID_SOCKET is all ones. `buffer` is memory JS owns for the call,
// `pointer` memory the system owns. int and long are 32-bit on Windows.

/** ws2_32.dll. */
export const ws2Symbols = {
  // --- start-up and errors -------------------------------------------------------
  // int WSAStartup(WORD version, LPWSADATA data)
  WSAStartup: { parameters: ["u16", "buffer"], result: "i32" },
  // int WSAGetLastError(void): the calling thread's last Winsock error
  WSAGetLastError: { parameters: [], result: "i32" },

  // --- sockets -------------------------------------------------------------------
  // SOCKET WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
  //                   GROUP g, DWORD flags)
  WSASocketW: {
    parameters: ["i32", "i32", "i32", "buffer", "u32", "u32"],
    result: "usize",
  },
  // int WSADuplicateSocketW(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info)
  WSADuplicateSocketW: { parameters: ["usize", "u32", "buffer"], result: "i32" },
  // int closesocket(SOCKET s)
  closesocket: { parameters: ["usize"], result: "i32" },
  // int bind(SOCKET s, const struct sockaddr *name, int namelen)
  bind: { parameters: ["usize", "buffer", "i32"], result: "i32" },
  // int connect(SOCKET s, const struct sockaddr *name, int namelen)
  connect: { parameters: ["usize", "buffer", "i32"], result: "i32" },
  // int listen(SOCKET s, int backlog)
  listen: { parameters: ["usize", "i32"], result: "i32" },
  // SOCKET accept(SOCKET s, struct sockaddr *addr, int *addrlen)
  accept: { parameters: ["usize", "buffer", "buffer"], result: "usize" },
  // int getsockname(SOCKET s, struct sockaddr *name, int *namelen)
  getsockname: { parameters: ["usize", "buffer", "buffer"], result: "i32" },
  // int getpeername(SOCKET s, struct sockaddr *name, int *namelen)
  getpeername: { parameters: ["usize", "buffer", "buffer"], result: "i32" },
  // int getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen)
  getsockopt: { parameters: ["usize", "i32", "i32", "buffer", "buffer"], result: "i32" },
  // int setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen)
  setsockopt: { parameters: ["usize", "i32", "i32", "buffer", "i32"], result: "i32" },
  // int ioctlsocket(SOCKET s, long cmd, u_long *argp)
  ioctlsocket: { parameters: ["usize", "u32", "buffer"], result: "i32" },
  // int WSAIoctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
  //              DWORD outlen, LPDWORD returned, LPWSAOVERLAPPED ov, completion)
  WSAIoctl: {
    parameters: ["usize", "u32", "buffer", "u32", "buffer", "u32", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  // int shutdown(SOCKET s, int how)
  shutdown: { parameters: ["usize", "i32"], result: "i32" },

  // --- data ----------------------------------------------------------------------
  // int recv(SOCKET s, char *buf, int len, int flags)
  recv: { parameters: ["usize", "buffer", "i32", "i32"], result: "i32" },
  // int send(SOCKET s, const char *buf, int len, int flags)
  send: { parameters: ["usize", "buffer", "i32", "i32"], result: "i32" },
  // int recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen)
  recvfrom: {
    parameters: ["usize", "buffer", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  // int sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen)
  sendto: {
    parameters: ["usize", "buffer", "i32", "i32", "buffer", "i32"],
    result: "i32",
  },
  // int WSAPoll(LPWSAPOLLFD fds, ULONG nfds, INT timeout)
  WSAPoll: { parameters: ["buffer", "u32", "i32"], result: "i32" },
  // The same call on a worker thread: the async reactor's wait.
  WSAPoll_wait: {
    name: "WSAPoll",
    parameters: ["buffer", "u32", "i32"],
    result: "i32",
    nonblocking: true,
  },

  // --- addresses and names -------------------------------------------------------
  // INT inet_pton(INT family, PCSTR text, PVOID addr)
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // PCSTR inet_ntop(INT family, const VOID *addr, PSTR text, size_t size)
  inet_ntop: { parameters: ["i32", "buffer", "buffer", "usize"], result: "pointer" },
  // unsigned long inet_addr(const char *cp): the classic parser, short forms included
  inet_addr: { parameters: ["buffer"], result: "u32" },
  // INT getaddrinfo(PCSTR node, PCSTR service, const ADDRINFOA *hints, PADDRINFOA *res)
  getaddrinfo: { parameters: ["buffer", "buffer", "buffer", "buffer"], result: "i32" },
  // VOID freeaddrinfo(PADDRINFOA ai)
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  // INT getnameinfo(const SOCKADDR *sa, socklen_t salen, PCHAR host, DWORD hostlen,
  //                 PCHAR serv, DWORD servlen, INT flags)
  getnameinfo: {
    parameters: ["buffer", "i32", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
  },
  // struct hostent *gethostbyname(const char *name): per-thread storage
  gethostbyname: { parameters: ["buffer"], result: "pointer" },
  // struct hostent *gethostbyaddr(const char *addr, int len, int type)
  gethostbyaddr: { parameters: ["buffer", "i32", "i32"], result: "pointer" },
  // int gethostname(char *name, int namelen)
  gethostname: { parameters: ["buffer", "i32"], result: "i32" },
  // struct servent *getservbyname(const char *name, const char *proto)
  getservbyname: { parameters: ["buffer", "buffer"], result: "pointer" },
  // struct servent *getservbyport(int port, const char *proto): port in network order
  getservbyport: { parameters: ["i32", "buffer"], result: "pointer" },
  // struct protoent *getprotobyname(const char *name)
  getprotobyname: { parameters: ["buffer"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** kernel32.dll. */
export const kernel32Symbols = {
  // DWORD FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD lang,
  //                      LPWSTR buffer, DWORD size, va_list *args)
  FormatMessageW: {
    parameters: ["u32", "pointer", "u32", "u32", "buffer", "u32", "pointer"],
    result: "u32",
  },
  // DWORD GetLastError(void)
  GetLastError: { parameters: [], result: "u32" },
  // DWORD GetCurrentProcessId(void)
  GetCurrentProcessId: { parameters: [], result: "u32" },
  // BOOL GetHandleInformation(HANDLE h, LPDWORD flags)
  GetHandleInformation: { parameters: ["usize", "buffer"], result: "i32" },
  // BOOL SetHandleInformation(HANDLE h, DWORD mask, DWORD flags)
  SetHandleInformation: { parameters: ["usize", "u32", "u32"], result: "i32" },
  // HANDLE CreateFileW(LPCWSTR name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
  //                    DWORD disposition, DWORD flags, HANDLE template)
  CreateFileW: {
    parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "pointer"],
    result: "usize",
  },
  // BOOL ReadFile(HANDLE h, LPVOID buf, DWORD n, LPDWORD read, LPOVERLAPPED ov)
  ReadFile: { parameters: ["usize", "buffer", "u32", "buffer", "buffer"], result: "i32" },
  // BOOL CloseHandle(HANDLE h)
  CloseHandle: { parameters: ["usize"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** iphlpapi.dll. */
export const iphlpapiSymbols = {
  // NETIO_STATUS GetIfTable2(PMIB_IF_TABLE2 *table)
  GetIfTable2: { parameters: ["buffer"], result: "u32" },
  // VOID FreeMibTable(PVOID memory)
  FreeMibTable: { parameters: ["pointer"], result: "void" },
  // NETIO_STATUS ConvertInterfaceLuidToNameA(const NET_LUID *luid, PSTR name, SIZE_T length)
  ConvertInterfaceLuidToNameA: { parameters: ["buffer", "buffer", "usize"], result: "u32" },
  // NET_IFINDEX if_nametoindex(PCSTR name)
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  // PCHAR if_indextoname(NET_IFINDEX index, PCHAR name)
  if_indextoname: { parameters: ["u32", "buffer"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;
