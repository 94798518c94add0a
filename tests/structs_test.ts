// The POSIX backend's struct coding (msghdr, cmsghdr, addrinfo, kevent) and its
// variadic-call signatures, checked byte for byte for every platform on this
// machine: macOS against tools/reference/darwin/darwin-layouts.md, Linux
// against offsets that gcc prints from the glibc headers.

import assert from "node:assert/strict";
import {
  cmsgAlign,
  darwin,
  decodeCmsgs,
  decodeKevent,
  decodeMsghdr,
  encodeCmsgs,
  encodeKevent,
  encodeMsghdr,
  kevent,
  KQ,
  linux,
  type Platform,
} from "../ffi/posix/_structs.ts";
import { decodeAddrinfo, encodeHints } from "../ffi/_c_data.ts";
import { variadicArgs, variadicOnStack, variadicSymbols } from "../ffi/posix/symbols.ts";
import * as socket from "../mod.ts";

/** A struct as a reference describes it: its size and each field's offset and size. */
interface StructLayout {
  size: number;
  fields: Map<string, { offset: number; size: number }>;
}

/** What a reference says about the three structs, plus measured CMSG_LEN/CMSG_SPACE values. */
interface Reference {
  msghdr: StructLayout;
  cmsghdr: StructLayout;
  addrinfo: StructLayout;
  /** struct kevent; macOS only. */
  kevent?: StructLayout;
  cmsgLen: Map<number, number>;
  cmsgSpace: Map<number, number>;
}

const REFERENCE = new URL("../tools/reference/darwin/darwin-layouts.md", import.meta.url);

/** Reads the darwin reference: "### struct NAME: size N" headings and their tables. */
function darwinReference(): Reference {
  const md = Deno.readTextFileSync(REFERENCE);
  const struct = (name: string): StructLayout => {
    const at = md.indexOf(`### struct ${name}: size `);
    assert.ok(at >= 0, `the reference describes struct ${name}`);
    const section = md.slice(at, md.indexOf("\n### ", at + 4));
    const size = Number(section.match(/size (\d+)/)![1]);
    const fields = new Map<string, { offset: number; size: number }>();
    for (const [, offset, bytes, field] of section.matchAll(/^\| (\d+) \| (\d+) \| (\w+) \|/gm)) {
      fields.set(field, { offset: Number(offset), size: Number(bytes) });
    }
    return { size, fields };
  };
  // Only the "Measured values:" sentence: the same paragraph quotes glibc's too.
  const sentence = md.match(/Measured values: ([^\n]*?)\.\s/)![1];
  const measured = (macro: string) =>
    new Map(
      [...sentence.matchAll(new RegExp(`${macro}\\((\\d+)\\)=(\\d+)`, "g"))]
        .map((m) => [Number(m[1]), Number(m[2])]),
    );
  return {
    msghdr: struct("msghdr"),
    cmsghdr: struct("cmsghdr"),
    addrinfo: struct("addrinfo"),
    kevent: struct("kevent"),
    cmsgLen: measured("CMSG_LEN"),
    cmsgSpace: measured("CMSG_SPACE"),
  };
}

const C_PROGRAM = String.raw`
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <netdb.h>
#include <sys/socket.h>
#define F(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
int main(void) {
  printf("msghdr size %zu\n", sizeof(struct msghdr));
  F(msghdr, msg_name); F(msghdr, msg_namelen); F(msghdr, msg_iov); F(msghdr, msg_iovlen);
  F(msghdr, msg_control); F(msghdr, msg_controllen); F(msghdr, msg_flags);
  printf("cmsghdr size %zu\n", sizeof(struct cmsghdr));
  F(cmsghdr, cmsg_len); F(cmsghdr, cmsg_level); F(cmsghdr, cmsg_type);
  printf("addrinfo size %zu\n", sizeof(struct addrinfo));
  F(addrinfo, ai_flags); F(addrinfo, ai_family); F(addrinfo, ai_socktype);
  F(addrinfo, ai_protocol); F(addrinfo, ai_addrlen); F(addrinfo, ai_canonname);
  F(addrinfo, ai_addr); F(addrinfo, ai_next);
  for (unsigned n = 0; n <= 8; n++) printf("CMSG %u %zu %zu\n", n, CMSG_LEN(n), CMSG_SPACE(n));
  return 0;
}
`;

/** Compiles a C program with gcc against this machine's glibc headers, runs it, and returns what it printed. */
function runC(program: string): string {
  const dir = Deno.makeTempDirSync({ prefix: "pysocket-structs-" });
  try {
    Deno.writeTextFileSync(`${dir}/probe.c`, program);
    const cc = new Deno.Command("gcc", { args: [`${dir}/probe.c`, "-o", `${dir}/probe`] })
      .outputSync();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    return new TextDecoder().decode(new Deno.Command(`${dir}/probe`).outputSync().stdout);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** What gcc says of glibc's structs (C_PROGRAM's output). */
function linuxReference(): Reference {
  const structs: Record<string, StructLayout> = {};
  const cmsgLen = new Map<number, number>(), cmsgSpace = new Map<number, number>();
  for (const line of runC(C_PROGRAM).trim().split("\n")) {
    const [a, b, c, d] = line.split(" ");
    if (a === "CMSG") {
      cmsgLen.set(Number(b), Number(c));
      cmsgSpace.set(Number(b), Number(d));
    } else if (b === "size") structs[a] = { size: Number(c), fields: new Map() };
    else structs[a].fields.set(b, { offset: Number(c), size: Number(d) });
  }
  return {
    msghdr: structs.msghdr,
    cmsghdr: structs.cmsghdr,
    addrinfo: structs.addrinfo,
    cmsgLen,
    cmsgSpace,
  };
}

/** The little-endian unsigned integer of `size` bytes at `offset`. */
function read(bytes: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

/** Writes `value` as `size` little-endian bytes at `offset`. */
function write(bytes: Uint8Array, offset: number, size: number, value: bigint): void {
  for (let i = 0; i < size; i++) bytes[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

/** Checks that each named field holds its value and that every other byte is zero. */
function assertFields(bytes: Uint8Array, layout: StructLayout, values: Record<string, bigint>) {
  assert.equal(bytes.length, layout.size, "struct size");
  const covered = new Uint8Array(bytes.length);
  for (const [name, value] of Object.entries(values)) {
    const f = layout.fields.get(name);
    assert.ok(f, `the reference has field ${name}`);
    assert.equal(read(bytes, f.offset, f.size), value, name);
    covered.fill(1, f.offset, f.offset + f.size);
  }
  bytes.forEach((b, i) => assert.ok(covered[i] || b === 0, `byte ${i} is zero`));
}

function checkPlatform(p: Platform, ref: Reference): void {
  // msghdr: every field where the reference puts it, with its width.
  const name = 0x1111111111111110n, iov = 0x2222222222222220n, control = 0x3333333333333330n;
  const msg = encodeMsghdr(p, {
    name,
    namelen: 0x1c,
    iov,
    iovlen: 3,
    control,
    controllen: 0x40,
  });
  assertFields(msg, ref.msghdr, {
    msg_name: name,
    msg_namelen: 0x1cn,
    msg_iov: iov,
    msg_iovlen: 3n,
    msg_control: control,
    msg_controllen: 0x40n,
  });
  const back = new Uint8Array(ref.msghdr.size);
  const f = (n: string) => ref.msghdr.fields.get(n)!;
  write(back, f("msg_namelen").offset, f("msg_namelen").size, 16n);
  write(back, f("msg_controllen").offset, f("msg_controllen").size, 24n);
  write(back, f("msg_flags").offset, f("msg_flags").size, 0x20n);
  assert.deepEqual(decodeMsghdr(p, back), { namelen: 16, controllen: 24, flags: 0x20 });

  // cmsghdr: the header size, CMSG_LEN and CMSG_SPACE as measured.
  assert.equal(p.sys.cmsgHeader, ref.cmsghdr.size, "sizeof(struct cmsghdr)");
  assert.ok(ref.cmsgSpace.size >= 3, "the reference gives measured CMSG_SPACE values");
  for (const [n, space] of ref.cmsgSpace) {
    const one = encodeCmsgs(p, [[1, 2, new Uint8Array(n).fill(0xab)]]);
    assert.equal(one.length, space, `CMSG_SPACE(${n})`);
    assert.equal(cmsgAlign(p, p.sys.cmsgHeader + n), space, `CMSG_SPACE(${n})`);
  }
  for (const [n, len] of ref.cmsgLen) {
    const one = encodeCmsgs(p, [[0x29, 0x32, new Uint8Array(n).fill(0xcd)]]);
    const hdr = new Uint8Array(ref.cmsghdr.size);
    hdr.set(one.subarray(0, ref.cmsghdr.size));
    assertFields(hdr, ref.cmsghdr, {
      cmsg_len: BigInt(len),
      cmsg_level: 0x29n,
      cmsg_type: 0x32n,
    });
    assert.ok(one.subarray(ref.cmsghdr.size, len).every((b) => b === 0xcd), "CMSG_DATA");
  }
  const cmsgs: [number, number, Uint8Array][] = [
    [1, 1, new Uint8Array([1, 2, 3])],
    [0, 8, new Uint8Array(12).fill(7)],
    [41, 50, new Uint8Array(0)],
  ];
  const buffer = encodeCmsgs(p, cmsgs);
  assert.deepEqual(decodeCmsgs(p, buffer, buffer.length), cmsgs, "CMSG_NXTHDR walks them all");

  // addrinfo: the hints we pass, and the fields we read back.
  const hints = encodeHints(p, 0x400, 10, 2, 17);
  assertFields(hints, ref.addrinfo, {
    ai_flags: 0x400n,
    ai_family: 10n,
    ai_socktype: 2n,
    ai_protocol: 17n,
  });
  const ai = new Uint8Array(ref.addrinfo.size);
  const values: Record<string, bigint> = {
    ai_flags: 2n,
    ai_family: 30n,
    ai_socktype: 1n,
    ai_protocol: 6n,
    ai_addrlen: 28n,
    ai_canonname: 0x4444444444444440n,
    ai_addr: 0x5555555555555550n,
    ai_next: 0x6666666666666660n,
  };
  for (const [field, value] of Object.entries(values)) {
    const { offset, size } = ref.addrinfo.fields.get(field)!;
    write(ai, offset, size, value);
  }
  assert.deepEqual(decodeAddrinfo(p, ai), {
    flags: 2,
    family: 30,
    socktype: 1,
    protocol: 6,
    addrlen: 28,
    canonname: 0x4444444444444440n,
    addr: 0x5555555555555550n,
    next: 0x6666666666666660n,
  });
}

Deno.test("the macOS msghdr, cmsghdr and addrinfo coding matches the reference layouts", () => {
  const ref = darwinReference();
  assert.equal(ref.msghdr.size, 48);
  assert.equal(ref.addrinfo.fields.get("ai_canonname")!.offset, 24, "canonname before addr");
  checkPlatform(darwin, ref);
});

Deno.test("the Linux msghdr, cmsghdr and addrinfo coding matches what gcc says of glibc", {
  ignore: Deno.build.os !== "linux",
}, () => {
  checkPlatform(linux, linuxReference());
});

// Apple's arm64 calling convention ("Writing ARM64 code for Apple platforms",
// in Apple's developer documentation) differs from the standard AAPCS64 in
// one way that matters here: the variadic arguments of a call go on the stack,
// in 8-byte slots from [sp], even when argument registers are free. The eight
// integer argument registers x0-x7 take the first eight fixed arguments, and
// the ninth takes the first stack slot, [sp]. So a fixed signature with the
// value in the ninth position, after six padding arguments, hands fcntl and
// ioctl their third argument where va_arg reads it. No Mac runs these tests:
// this checks the choice of signature and the arguments, not the call.
Deno.test("fcntl and ioctl put their third argument on the stack only on darwin-arm64", () => {
  const platforms: [string, string, boolean][] = [
    ["darwin", "aarch64", true],
    ["darwin", "x86_64", false],
    ["linux", "x86_64", false],
    ["linux", "aarch64", false],
    ["windows", "x86_64", false],
  ];
  for (const [os, arch, stack] of platforms) {
    assert.equal(variadicOnStack(os, arch), stack, `${os}-${arch}`);
  }

  const plain = variadicSymbols(false);
  assert.deepEqual(plain.fcntl.parameters, ["i32", "i32", "i32"]);
  assert.deepEqual(plain.ioctl.parameters, ["i32", "u64", "buffer"]);
  assert.deepEqual(variadicArgs(false, [3, 4], 2048), [3, 4, 2048]);

  const padded = variadicSymbols(true);
  assert.equal(padded.fcntl.parameters.length, 9);
  assert.equal(padded.ioctl.parameters.length, 9);
  assert.deepEqual(padded.fcntl.parameters.slice(2, 8), Array(6).fill("i64"), "x2-x7 padding");
  assert.equal(padded.fcntl.parameters[8], "i64", "a full 8-byte stack slot");
  assert.equal(padded.ioctl.parameters[8], "buffer");
  const args = variadicArgs(true, [3, 4], 2048);
  assert.equal(args.length, 9);
  assert.equal(args[8], 2048, "the value is the ninth argument");
  assert.deepEqual(args.slice(0, 2), [3, 4]);
  const buf = new Uint8Array(4);
  assert.equal(variadicArgs(true, [3, 0x8004667e], buf)[8], buf);
});

Deno.test("this machine's backend calls fcntl and ioctl through the signature its ABI needs", {
  ignore: Deno.build.os !== "linux",
}, () => {
  // The plain signature, for real: the kernel's own view of the flags, in
  // /proc/self/fdinfo, follows setblocking (ioctl FIONBIO) and
  // set_inheritable (fcntl F_SETFD).
  const flags = (fd: number) =>
    parseInt(Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`).match(/flags:\s+(\d+)/)![1], 8);
  const O_NONBLOCK = 0o4000, O_CLOEXEC = 0o2000000;
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(flags(s.fileno()) & (O_NONBLOCK | O_CLOEXEC), O_CLOEXEC);
  s.setblocking(false);
  assert.equal(flags(s.fileno()) & O_NONBLOCK, O_NONBLOCK);
  s.setblocking(true);
  assert.equal(flags(s.fileno()) & O_NONBLOCK, 0);
  s.set_inheritable(true);
  assert.equal(flags(s.fileno()) & O_CLOEXEC, 0);
  assert.equal(s.get_inheritable(), true);
  assert.equal(variadicOnStack(Deno.build.os, Deno.build.arch), false, "not darwin-arm64 here");
});

Deno.test("the macOS platform table takes its fcntl, ioctl and socket values from the reference", () => {
  const dir = new URL("../tools/reference/darwin/", import.meta.url);
  const main: Record<string, number> = JSON.parse(
    Deno.readTextFileSync(new URL("darwin-constants.json", dir)),
  );
  const extra: Record<string, { value: number }> = JSON.parse(
    Deno.readTextFileSync(new URL("darwin-constants-extra.json", dir)),
  );
  assert.equal(darwin.FIONBIO, main.FIONBIO);
  assert.equal(darwin.SO_NOSIGPIPE, main.SO_NOSIGPIPE);
  assert.equal(darwin.O_CLOEXEC, extra.O_CLOEXEC.value);
  assert.equal(darwin.F_DUPFD_CLOEXEC, extra.F_DUPFD_CLOEXEC.value);
  assert.equal(darwin.constants.SOL_SOCKET, 0xffff);
  for (const p of [darwin, linux]) {
    for (const key of ["O_CLOEXEC", "F_DUPFD_CLOEXEC", "FIONBIO"] as const) {
      assert.ok(Number.isInteger(p[key]) && p[key] > 0, `${p.os} ${key}`);
    }
  }
  assert.equal(linux.SO_NOSIGPIPE, 0, "Linux needs none: MSG_NOSIGNAL and Deno's ignored SIGPIPE");
});

Deno.test("the macOS kqueue reactor's struct kevent coding and values match the reference", () => {
  const layout = darwinReference().kevent!;
  assert.equal(kevent.size, layout.size);
  const bytes = new Uint8Array(kevent.size * 2);
  const view = new DataView(bytes.buffer);
  const ev = { ident: 0x12345678, filter: KQ.EVFILT_WRITE, flags: 0xabcd, fflags: 0x01020304 };
  encodeKevent(view, 1, ev);
  assert.ok(bytes.subarray(0, kevent.size).every((b) => b === 0), "kevent 0 untouched");
  assertFields(bytes.subarray(kevent.size), layout, {
    ident: 0x12345678n,
    filter: 0xfffen, // -2 as an int16_t
    flags: 0xabcdn,
    fflags: 0x01020304n,
  });
  assert.deepEqual(decodeKevent(view, 1), ev);

  const dir = new URL("../tools/reference/darwin/", import.meta.url);
  const values: Record<string, number | { value: number }> = {
    ...JSON.parse(Deno.readTextFileSync(new URL("darwin-constants-extra.json", dir))),
    ...JSON.parse(Deno.readTextFileSync(new URL("darwin-constants.json", dir))),
  };
  for (const [name, value] of Object.entries(KQ)) {
    const ref = values[name];
    assert.ok(ref !== undefined, `the reference has ${name}`);
    assert.equal(value, typeof ref === "number" ? ref : ref.value, name);
  }
});

Deno.test(
  "the Linux hostent, servent, protoent and if_nameindex offsets match what gcc says of glibc",
  {
    ignore: Deno.build.os !== "linux",
  },
  () => {
    const program = String.raw`
#include <stddef.h>
#include <stdio.h>
#include <netdb.h>
#include <net/if.h>
#define F(s, f) printf("%s.%s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
int main(void) {
  F(hostent, h_aliases); F(hostent, h_addrtype); F(hostent, h_length); F(hostent, h_addr_list);
  F(servent, s_name); F(servent, s_port); F(protoent, p_proto);
  printf("if_nameindex.size %zu 0\n", sizeof(struct if_nameindex));
  F(if_nameindex, if_index); F(if_nameindex, if_name);
  return 0;
}
`;
    const at = new Map(
      runC(program).trim().split("\n").map((l) => {
        const [name, offset, size] = l.split(" ");
        return [name, [Number(offset), Number(size)]] as const;
      }),
    );
    const offset = (name: string) => at.get(name)![0];
    assert.deepEqual(linux.hostent, {
      aliases: offset("hostent.h_aliases"),
      addrtype: offset("hostent.h_addrtype"),
      length: offset("hostent.h_length"),
      addrList: offset("hostent.h_addr_list"),
      intSize: at.get("hostent.h_addrtype")![1],
    });
    assert.deepEqual(linux.servent, {
      name: offset("servent.s_name"),
      port: offset("servent.s_port"),
    });
    assert.deepEqual(linux.protoent, { proto: offset("protoent.p_proto") });
    assert.deepEqual(linux.ifNameindex, {
      size: offset("if_nameindex.size"),
      index: offset("if_nameindex.if_index"),
      name: offset("if_nameindex.if_name"),
    });
  },
);
