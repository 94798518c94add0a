// Struct layouts that lib/ needs to code addresses, per operating system.
// Everything else about C structs stays inside the backend that uses it.

/** What lib/ needs to know about a platform's sockaddr structs. */
export interface Layout {
  /** BSD sockaddrs start with a 1-byte length and a 1-byte family; Linux and
   * Windows have a 2-byte family at offset 0. */
  readonly saLen: boolean;
  /** Size of struct sockaddr_storage, the largest address a call returns. */
  readonly storage: number;
  /** Bytes in sockaddr_un.sun_path (the path starts at offset 2). */
  readonly sunPath: number;
  /** Size of struct sockaddr_in6. */
  readonly in6: number;
}

/** Linux (glibc, x86_64 and arm64). */
export const linux: Layout = {
  saLen: false,
  storage: 128,
  sunPath: 108,
  in6: 28,
};

/** macOS (x86_64 and arm64): see tools/reference/darwin/darwin-layouts.md. */
export const darwin: Layout = {
  saLen: true,
  storage: 128,
  sunPath: 104,
  in6: 28,
};

/** Windows (x86_64): see the mingw-w64 headers ws2def.h and afunix.h. */
export const windows: Layout = {
  saLen: false,
  storage: 128,
  sunPath: 108,
  in6: 28,
};
