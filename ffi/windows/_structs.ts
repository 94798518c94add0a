// The Win64 structs the backend reads and writes, and the header values it
// uses, from the mingw-w64 headers (tests/windows_test.ts prints them with the
// cross compiler and compares).

import type { SysValues } from "../native.ts";

/** struct addrinfo on Win64: ai_addrlen is a size_t, and ai_canonname comes before ai_addr. */
export const addrinfoLayout = { ai: { addrlen: 16, canonname: 24, addr: 32, next: 40, size: 48 } };

/** The other Win64 structs the backend reads or writes (checked against mingw-w64 in tests). */
export const structs = {
  pollfd: { size: 16, events: 8, revents: 10 },
  hostent: { aliases: 8, addrtype: 16, length: 18, addrList: 24, intSize: 2 },
  servent: { proto: 16, port: 24 },
  protoent: { proto: 16 },
  protocolInfo: { size: 628, family: 76, type: 88, proto: 92 },
  overlapped: { size: 32, offset: 16, offsetHigh: 20 },
  wsadata: { size: 408 },
  // MIB_IF_TABLE2 holds NumEntries, then rows of MIB_IF_ROW2 from offset 8.
  ifTable: { rows: 8, rowSize: 1352, luid: 0, index: 8 },
} as const;

/** WSAPoll's flags (winsock2.h). POLLPRI is 0: WSAPoll rejects it with WSAEINVAL. */
export const sys: SysValues = {
  POLLIN: 0x0300, // POLLRDNORM | POLLRDBAND
  POLLPRI: 0,
  POLLOUT: 0x0010, // POLLWRNORM
  POLLERR: 0x0001,
  POLLHUP: 0x0002,
  POLLNVAL: 0x0004,
  SOCK_NONBLOCK: 0,
  SOCK_CLOEXEC: 0,
  cmsgHeader: 16,
  cmsgAlign: 8,
};

/** Header values the backend passes to Winsock and kernel32. */
export const INVALID = 0xffffffffffffffffn;
export const WSA_FLAG_OVERLAPPED = 0x01, WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
export const FIONBIO = 0x8004667e;
export const HANDLE_FLAG_INHERIT = 1;
export const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000, FORMAT_MESSAGE_IGNORE_INSERTS = 0x200;
export const GENERIC_READ = 0x80000000, FILE_SHARE_READ = 1, OPEN_EXISTING = 3;
export const SO_PROTOCOL_INFOW = 0x2005;
export const ERROR_HANDLE_EOF = 38;
