#!/usr/bin/env python3
"""Writes ffi/windows/constants.ts from the mingw-w64 headers (Debian's
mingw-w64-x86-64-dev), without running anything Windows: each candidate name
is compiled into a data section of an object file, and the values are read
back from its bytes. A name the headers lack is left out of the table.

The candidates are every name of the Linux and macOS tables plus the names
Python's socket module has only on Windows.

Run from the repository root: python3 tools/gen_windows.py
Needs x86_64-w64-mingw32-gcc and x86_64-w64-mingw32-objcopy.

With --probe OUT.exe it instead builds the Windows probe: a program that
prints every name of ffi/windows/constants.ts and the offsets of the Win64
structs the backend uses, for tests/windows_test.ts to compare under Wine.
"""
import os, re, struct, subprocess, sys, tempfile

HEADERS = ["errno.h", "winsock2.h", "ws2tcpip.h", "mstcpip.h", "mswsock.h", "afunix.h",
           "iphlpapi.h"]
# Names CPython's socket module defines only on Windows.
WINDOWS_ONLY = ["SIO_RCVALL", "SIO_KEEPALIVE_VALS", "SIO_LOOPBACK_FAST_PATH", "RCVALL_ON",
                "RCVALL_OFF", "RCVALL_SOCKETLEVELONLY", "RCVALL_IPLEVEL", "RCVALL_MAX",
                "SO_EXCLUSIVEADDRUSE", "IPPROTO_ICLFXBM", "IPPROTO_ST", "IPPROTO_CBT",
                "IPPROTO_IGP", "IPPROTO_RDP", "IPPROTO_PGM", "IPPROTO_L2TP", "IPPROTO_SCTP",
                "IPV6_HOPOPTS", "MSG_BCAST", "MSG_MCAST", "SO_ORIGINAL_DST"]


# Python's names that Windows spells differently: shutdown() takes SD_*.
ALIASES = {"SHUT_RD": "SD_RECEIVE", "SHUT_WR": "SD_SEND", "SHUT_RDWR": "SD_BOTH"}


def table_names(path):
    return re.findall(r"^  (\w+): -?\d+,$", open(path).read(), re.M)


def compile_values(names, tmp, exprs):
    """Returns (values, missing): the names the headers define, with values.
    `exprs` maps a name to the C expression that gives its value."""
    src = os.path.join(tmp, "values.c")
    obj = os.path.join(tmp, "values.o")
    with open(src, "w") as f:
        f.write("".join(f"#include <{h}>\n" for h in HEADERS))
        f.write('__attribute__((section(".pyvals"), used)) const long long pysocket_values[] = {\n')
        f.write("".join(f"  (long long)({exprs.get(n, n)}),\n" for n in names))
        f.write("};\n")
    r = subprocess.run(["x86_64-w64-mingw32-gcc", "-c", "-fmax-errors=0", src, "-o", obj],
                       capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    undeclared = set(re.findall(r"['\u2018](\w+)['\u2019] undeclared", r.stderr))
    missing = {n for n in names if exprs.get(n, n) in undeclared}
    if r.returncode != 0:
        if not missing:
            raise SystemExit(r.stderr)
        return None, missing
    raw = os.path.join(tmp, "values.bin")
    subprocess.run(["x86_64-w64-mingw32-objcopy", "-O", "binary", "--only-section=.pyvals",
                    obj, raw], check=True)
    data = open(raw, "rb").read()
    if len(data) < 8 * len(names):
        raise SystemExit(f"{raw}: {len(data)} bytes for {len(names)} values")
    data = data[:8 * len(names)]
    return dict(zip(names, struct.unpack(f"<{len(names)}q", data))), set()


def defined(candidates, exprs):
    """The candidates the headers define, with their values."""
    with tempfile.TemporaryDirectory() as tmp:
        names = candidates
        while True:
            values, missing = compile_values(names, tmp, exprs)
            if values is not None:
                return values
            names = [n for n in names if n not in missing]


def probe(out):
    names = table_names("ffi/windows/constants.ts")
    # Each line: "name value", or "struct.field offset" / "struct.size size".
    fields = {
        "addrinfo": ["ai_addrlen", "ai_canonname", "ai_addr", "ai_next"],
        "pollfd": ["events", "revents"],
        "hostent": ["h_aliases", "h_addrtype", "h_length", "h_addr_list"],
        "servent": ["s_proto", "s_port"],
        "protoent": ["p_proto"],
        "WSAPROTOCOL_INFOW": ["iAddressFamily", "iSocketType", "iProtocol"],
        "OVERLAPPED": ["Offset", "OffsetHigh"],
        "sockaddr_in6": ["sin6_scope_id"],
        "sockaddr_un": ["sun_path"],
        "linger": ["l_linger"],
        "MIB_IF_TABLE2": ["Table"],
        "MIB_IF_ROW2": ["InterfaceLuid", "InterfaceIndex"],
    }
    types = {"pollfd": "WSAPOLLFD", "OVERLAPPED": "OVERLAPPED", "WSAPROTOCOL_INFOW": "WSAPROTOCOL_INFOW",
             "MIB_IF_TABLE2": "MIB_IF_TABLE2", "MIB_IF_ROW2": "MIB_IF_ROW2"}
    src = [f"#include <{h}>" for h in HEADERS + ["stddef.h", "stdio.h"]] + ["int main(void) {"]
    src += [f'  printf("{n} %lld\\n", (long long)({ALIASES.get(n, n)}));' for n in names]
    # errno names: Winsock's spelling where the table took Winsock's value.
    errnos = dict(re.findall(r"^  (\w+): (-?\d+),$", open("ffi/windows/errno.ts").read(), re.M))
    src += [f'  printf("errno.{n} %d\\n", {"WSA" + n if int(v) >= 10000 else n});'
            for n, v in errnos.items()]
    for struct, members in fields.items():
        t = types.get(struct, f"struct {struct}")
        src.append(f'  printf("{struct}.size %zu\\n", sizeof({t}));')
        src += [f'  printf("{struct}.{m} %zu\\n", offsetof({t}, {m}));' for m in members]
    src += ['  printf("WSADATA.size %zu\\n", sizeof(WSADATA));', "  return 0;", "}"]
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "probe.c")
        open(c, "w").write("\n".join(src) + "\n")
        subprocess.run(["x86_64-w64-mingw32-gcc", "-O0", c, "-o", out, "-lws2_32"], check=True)


def generate():
    candidates = sorted(set(table_names("ffi/posix/constants_linux.ts"))
                        | set(table_names("ffi/posix/constants_darwin.ts"))
                        | set(WINDOWS_ONLY))
    values = defined(candidates, ALIASES)

    # Unsigned 32-bit values (the SIO_* ioctl codes) stay unsigned, as Python shows them.
    values = {k: (v & 0xffffffff if k.startswith("SIO_") else v) for k, v in values.items()}
    lines = ["// Windows socket constants, from the mingw-w64 headers (winsock2.h, ws2tcpip.h,",
             "// mstcpip.h, mswsock.h, afunix.h). Generated by tools/gen_windows.py, which",
             "// compiles each name with x86_64-w64-mingw32-gcc and reads the values back.",
             "",
             "/** The Windows constant table: name to value. */",
             "export const constants: Readonly<Record<string, number>> = {"]
    lines += [f"  {k}: {values[k]}," for k in sorted(values)]
    lines.append("};")
    os.makedirs("ffi/windows", exist_ok=True)
    with open("ffi/windows/constants.ts", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(values)} of {len(candidates)} names defined")

    # errno: Python's errno module on Windows. CPython drops the CRT's values for
    # these socket errors (errnomodule.c) and uses Winsock's instead, which is
    # what socket calls report; other names keep the CRT's value, and names the
    # CRT lacks take Winsock's where it has one.
    WSA_PREFERRED = ["EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EALREADY", "ECONNABORTED",
                     "ECONNREFUSED", "ECONNRESET", "EDESTADDRREQ", "EHOSTUNREACH", "EINPROGRESS",
                     "EISCONN", "ELOOP", "EMSGSIZE", "ENETDOWN", "ENETRESET", "ENETUNREACH",
                     "ENOBUFS", "ENOPROTOOPT", "ENOTCONN", "ENOTSOCK", "EOPNOTSUPP",
                     "EPROTONOSUPPORT", "EPROTOTYPE", "ETIMEDOUT", "EWOULDBLOCK"]
    errno_names = table_names("ffi/posix/errno_linux.ts")
    crt = defined([n for n in errno_names if n not in WSA_PREFERRED], {})
    wsa = defined([n for n in errno_names if n not in crt], {n: "WSA" + n for n in errno_names})
    errnos = {**crt, **wsa}
    lines = ["// Windows errno values as Python's errno module has them: the C runtime's",
             "// (errno.h) for most names, Winsock's for the socket errors, as CPython's",
             "// errnomodule.c chooses. Generated by tools/gen_windows.py from the mingw-w64 headers.",
             "",
             "/** errno names to values on Windows. */",
             "export const errnos: Readonly<Record<string, number>> = {"]
    lines += [f"  {k}: {errnos[k]}," for k in sorted(errnos)]
    lines.append("};")
    with open("ffi/windows/errno.ts", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(errnos)} of {len(errno_names)} errno names defined")



if __name__ == "__main__":
    if sys.argv[1:2] == ["--probe"]:
        probe(sys.argv[2])
    else:
        generate()
