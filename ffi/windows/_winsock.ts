// Winsock, kernel32, iphlpapi and the C runtime, opened once: every failed
// call stores its error code at once (WSAGetLastError, or GetLastError mapped
// as CPython maps it), before anything else can run on the thread.

import { openLibrary } from "../_library.ts";
import { win32Errno } from "./_errors.ts";
import {
  FORMAT_MESSAGE_FROM_SYSTEM,
  FORMAT_MESSAGE_IGNORE_INSERTS,
  INVALID,
  structs,
  WSA_FLAG_NO_HANDLE_INHERIT,
  WSA_FLAG_OVERLAPPED,
} from "./_structs.ts";
import { iphlpapiSymbols, kernel32Symbols, ws2Symbols } from "./symbols.ts";

const utf16 = new TextDecoder("utf-16le");

function open() {
  const ws = openLibrary("ws2_32.dll", ws2Symbols);
  const k32 = openLibrary("kernel32.dll", kernel32Symbols);
  const iphlp = openLibrary("iphlpapi.dll", iphlpapiSymbols);
  const crt = openLibrary(
    "ucrtbase.dll",
    {
      // char *strerror(int errnum): the C runtime's text for its own errno values
      strerror: { parameters: ["i32"], result: "pointer" },
    } as const,
  );
  const started = ws.WSAStartup(0x0202, new Uint8Array(structs.wsadata.size));
  if (started !== 0) throw new Error(`WSAStartup failed with error ${started}`);
  return { ws, k32, iphlp, crt };
}

/** The libraries with the error code kept beside them. */
export type Winsock = ReturnType<typeof openWinsock>;

/** Opens the libraries and starts Winsock. */
export function openWinsock() {
  const { ws, k32, iphlp, crt } = open();
  let last = 0;
  /** An int result: SOCKET_ERROR (-1) keeps the error code. */
  const check = (r: number): number => {
    if (r < 0) last = ws.WSAGetLastError();
    return r;
  };
  /** A SOCKET result as a number, or -1 keeping the error code. */
  const handle = (r: number | bigint): number => {
    if (BigInt(r) === INVALID) {
      last = ws.WSAGetLastError();
      return -1;
    }
    return Number(r);
  };
  /** A BOOL result of kernel32: 0 on success, -1 keeping GetLastError() as an errno. */
  const win32 = (ok: number): number => {
    if (ok !== 0) return 0;
    last = win32Errno(k32.GetLastError());
    return -1;
  };
  const fail = (code: number): number => {
    last = code;
    return -1;
  };

  const text = new Uint16Array(1024);
  const textBytes = new Uint8Array(text.buffer);
  function systemMessage(code: number): string {
    const n = k32.FormatMessageW(
      FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      null,
      code,
      0,
      textBytes,
      text.length,
      null,
    );
    // CPython's words when the system has no text (Wine lacks many Winsock ones).
    if (n === 0) return `Windows Error 0x${code.toString(16)}`;
    return utf16.decode(text.subarray(0, n)).trimEnd();
  }

  function newSocket(family: number, type: number, proto: number, info: Uint8Array | null) {
    return handle(ws.WSASocketW(
      family,
      type,
      proto,
      info,
      0,
      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT,
    ));
  }

  /** A kernel32 HANDLE result: INVALID_HANDLE_VALUE keeps GetLastError(). */
  function fileHandle(r: number | bigint): number {
    if (BigInt(r) === INVALID) {
      last = win32Errno(k32.GetLastError());
      return -1;
    }
    return Number(r);
  }

  return {
    ws,
    k32,
    iphlp,
    crt,
    /** The error code the last failed call kept. */
    errno: () => last,
    check,
    handle,
    win32,
    fail,
    fileHandle,
    systemMessage,
    newSocket,
  };
}
