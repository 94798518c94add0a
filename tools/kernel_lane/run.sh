#!/bin/bash
# The kernel lane: boot a stock Debian 12 kernel under qemu (TCG, no KVM) with a tiny initramfs
# holding busybox, deno and python3.11, load the socket-family modules this machine's kernel refuses
# (CAN, ALG, VSOCK loopback, TIPC, Bluetooth's HCI, RDS, QIPCRTR), create vcan0, run GUEST_CMD
# in a copy of EXTRA_DIR, print the results on the serial console, and power off. .ci/kernel runs
# the tests in tests/families/ this way. (From the recipe the project was started with.)
#
# Usage: ./run.sh            (as root on Debian 12 x86_64 with apt; deno is taken from PATH, else
#                             fetched from the npm registry with npm or curl)
# Env knobs: MEM=2048 SMP=2 CPU=max COMP=none|gzip|zstd PY=1|0 PYTEST=0|1 TIMEOUT=900
#            DENO_FLAGS="--v8-flags=--jitless" (one word, passed via kernel cmdline) REUSE=1 (keep initramfs)
#            EXTRA_DIR=path GUEST_CMD='cd /work && deno test -A tests/'  (copy a tree to /work in the
#            guest and run a command there after the probe; its exit status is reported and checked)
#            DENO=auto|npm|/path/to/deno  DENO_VERSION=2.9.6  KPKG=linux-image-6.1.0-57-amd64 (pin kernel)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
W=${W:-${XDG_CACHE_HOME:-$HOME/.cache}/pysocket-kernel-lane}
MEM=${MEM:-2048}; SMP=${SMP:-2}; CPU=${CPU:-max}; COMP=${COMP:-none}
PY=${PY:-1}; PYTEST=${PYTEST:-0}; DENO_FLAGS=${DENO_FLAGS:-}; TIMEOUT=${TIMEOUT:-900}
DENO_VERSION=${DENO_VERSION:-2.9.6}
mkdir -p "$W/dl"
T0=$(date +%s.%N)
log() { echo "[run.sh $(printf %.1f "$(echo "$(date +%s.%N) - $T0" | bc)")s] $*"; }

# ---- 1. host tools (qemu, kmod for depmod/modprobe, cpio, bc, zstd, python3.11) --------------
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v depmod >/dev/null || need+=(kmod)
command -v cpio >/dev/null || need+=(cpio)
command -v bc >/dev/null || need+=(bc)
[ "$COMP" != zstd ] || command -v zstd >/dev/null || need+=(zstd)
[ "$PY" = 0 ] || [ -x /usr/bin/python3.11 ] || need+=(python3.11)
[ "$PYTEST" = 0 ] || [ -f /etc/services ] || need+=(netbase)   # getservbyname tests
DENO=${DENO:-auto}   # auto: deno on PATH, else the npm registry; npm: force the registry; or a path
if [ "$DENO" = auto ] || [ "$DENO" = npm ]; then
  command -v deno >/dev/null || command -v npm >/dev/null || command -v curl >/dev/null || need+=(curl ca-certificates)
fi
if ((${#need[@]})); then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
log "host tools ready"

# ---- 2. kernel + busybox-static: download .debs and unpack (no install, no initramfs-tools) --
cd "$W/dl"
KPKG=${KPKG:-$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')}
[ -n "$KPKG" ] || { apt-get update -q; KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); }
KVER=${KPKG#linux-image-}
ls ${KPKG}_*.deb >/dev/null 2>&1 || apt-get download -q "$KPKG" 2>&1 | grep -v unsandboxed || true
ls busybox-static_*.deb >/dev/null 2>&1 || apt-get download -q busybox-static 2>&1 | grep -v unsandboxed || true
if [ ! -f "kroot/lib/modules/$KVER/modules.dep" ]; then
  rm -rf kroot bbroot
  dpkg-deb -x ${KPKG}_*.deb kroot
  dpkg-deb -x busybox-static_*.deb bbroot
  depmod -b "$W/dl/kroot" "$KVER"          # the .deb ships no modules.dep (postinst makes it)
fi
VMLINUZ=$W/dl/kroot/boot/vmlinuz-$KVER
log "kernel $KVER unpacked ($(du -h "$VMLINUZ" | cut -f1) vmlinuz)"

# ---- 3. deno binary -----------------------------------------------------------------------
if [ "$DENO" = auto ]; then
  if command -v deno >/dev/null; then DENO=$(readlink -f "$(command -v deno)"); else DENO=npm; fi
fi
if [ "$DENO" = npm ]; then   # the platform package of the `deno` npm package holds the plain binary
  TGZ=deno-linux-x64-glibc-$DENO_VERSION.tgz
  if [ ! -f "$TGZ" ]; then
    if command -v npm >/dev/null; then npm pack -q "@deno/linux-x64-glibc@$DENO_VERSION" >/dev/null
    else curl -fsSLo "$TGZ" "https://registry.npmjs.org/@deno/linux-x64-glibc/-/linux-x64-glibc-$DENO_VERSION.tgz"; fi
  fi
  rm -rf denopkg; mkdir -p denopkg && tar -xzf "$TGZ" -C denopkg
  DENO=$W/dl/denopkg/package/deno; chmod +x "$DENO"
fi
log "deno: $DENO ($("$DENO" --version | head -1))"

# ---- 4. initramfs tree ------------------------------------------------------------------------
if [ "${REUSE:-0}" = 1 ] && [ -f "$W/initramfs.img" ]; then log "REUSE=1: keeping $W/initramfs.img"; else
R=$W/root; rm -rf "$R"; mkdir -p "$R"/{bin,dev,proc,sys,tmp,etc,root,test,usr/bin,lib/x86_64-linux-gnu,lib64}
ln -s bin "$R/sbin"
cp bbroot/bin/busybox "$R/bin/busybox"
(cd "$R/bin" && perl -e 'for (@ARGV) { symlink("busybox", $_) unless -e $_ }' $(./busybox --list))
cp "$DENO" "$R/bin/deno"

copy_libs() {  # copy the shared libraries the given ELF files need (each library once)
  ldd "$@" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}' | sort -u | while read -r l; do
    case "$l" in */ld-linux-x86-64.so.2) cp -L "$l" "$R/lib64/ld-linux-x86-64.so.2";;
      *) cp -L "$l" "$R/lib/x86_64-linux-gnu/$(basename "$l")";; esac
  done
}
copy_libs "$DENO"
[ -e "$R/lib/x86_64-linux-gnu/libc.so.6" ] || cp -L /lib/x86_64-linux-gnu/libc.so.6 "$R/lib/x86_64-linux-gnu/"
echo /lib/x86_64-linux-gnu > "$R/etc/ld.so.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' > "$R/etc/hosts"
for f in services protocols; do [ -f /etc/$f ] && cp /etc/$f "$R/etc/"; done

if [ "$PY" = 1 ]; then
  cp -L /usr/bin/python3.11 "$R/usr/bin/python3.11"; ln -s python3.11 "$R/usr/bin/python3"
  copy_libs /usr/bin/python3.11
  # stdlib without the heavy/irrelevant parts (python3.11 is in Debian's minimal install)
  mkdir -p "$R/usr/lib"
  tar -C /usr/lib --exclude='__pycache__' --exclude='python3.11/test' --exclude='python3.11/idlelib' \
      --exclude='python3.11/tkinter' --exclude='python3.11/lib2to3' --exclude='python3.11/ensurepip' \
      --exclude='python3.11/pydoc_data' --exclude='python3.11/config-3.11-x86_64-linux-gnu' \
      --exclude='python3.11/site-packages' --exclude='python3.11/dist-packages' \
      -cf - python3.11 | tar -C "$R/usr/lib" -xf -
  copy_libs "$R"/usr/lib/python3.11/lib-dynload/*.so
  if [ "$PYTEST" = 1 ]; then   # CPython's own test_socket from Debian's libpython3.11-testsuite
    ls libpython3.11-testsuite_*.deb >/dev/null 2>&1 || apt-get download -q libpython3.11-testsuite 2>&1 | grep -v unsandboxed || true
    rm -rf tsroot; dpkg-deb -x libpython3.11-testsuite_*.deb tsroot
    mkdir -p "$R/usr/lib/python3.11/test"
    # test/{__init__,__main__,support,libregrtest} ship in libpython3.11-stdlib, test_socket.py in -testsuite
    (cd /usr/lib/python3.11/test && tar --exclude=__pycache__ -cf - __init__.py __main__.py regrtest.py support libregrtest) \
      | tar -C "$R/usr/lib/python3.11/test" -xf -
    cp tsroot/usr/lib/python3.11/test/test_socket.py "$R/usr/lib/python3.11/test/"
  fi
fi
ldconfig -r "$R" 2>/dev/null || true

# kernel modules for the exotic families (+ their dependencies), laid out for busybox modprobe
MODS="vcan can can_raw can_bcm can_isotp can_j1939 can_gw af_alg algif_hash algif_skcipher algif_aead algif_rng tipc vsock vsock_loopback vsock_diag bluetooth rfcomm hci_vhci rds rds_tcp qrtr sctp"
for m in $MODS; do
  modprobe -d "$W/dl/kroot" -S "$KVER" --show-depends "$m" | awk '$1=="insmod"{print $2}'
done | sort -u > modlist.txt
# all of crypto/ too, so the kernel can autoload ciphers requested through AF_ALG
find "kroot/lib/modules/$KVER/kernel/crypto" "kroot/lib/modules/$KVER/kernel/arch/x86/crypto" -name '*.ko' >> modlist.txt
sed 's|^.*kroot/||' modlist.txt | sort -u | tar -C kroot -cf - -T - | tar -C "$R" -xf -
cp kroot/lib/modules/$KVER/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KVER/"
depmod -b "$R" "$KVER"

if [ -n "${EXTRA_DIR:-}" ]; then mkdir -p "$R/work"; cp -a "$EXTRA_DIR"/. "$R/work/"; fi
printf '%s\n' "${GUEST_CMD:-}" > "$R/test/guest_cmd.sh"

cat > "$R/init" <<EOF
#!/bin/sh
export PATH=/bin:/usr/bin HOME=/root DENO_DIR=/tmp/deno NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp
up() { cut -d' ' -f1 /proc/uptime; }
echo "GUEST init reached at uptime=\$(up)s kernel=\$(uname -r) cpus=\$(nproc) mem=\$(free -m | awk '/Mem:/{print \$2}')MB"
for m in $MODS; do modprobe \$m || echo "GUEST modprobe \$m failed"; done
echo "GUEST modules loaded at uptime=\$(up)s: \$(lsmod | wc -l) entries"
ip link set lo up
ip link add dev vcan0 type vcan && ip link set up vcan0 && echo "GUEST vcan0 up: \$(cat /sys/class/net/vcan0/operstate) ifindex=\$(cat /sys/class/net/vcan0/ifindex)"
echo "GUEST deno flags from kernel cmdline: '\$denoflags'"
a=\$(up); deno --version; echo "GUEST deno --version took \$(echo "\$(up) - \$a" | bc)s"
if [ -f /usr/lib/python3.11/test/test_socket.py ]; then
  a=\$(up); cd /tmp && python3 -m test -v test_socket > /tmp/ts.log 2>&1; rc=\$?
  sed 's/^/CPYLOG /' /tmp/ts.log
  echo "GUEST cpython test_socket rc=\$rc took \$(echo "\$(up) - \$a" | bc)s"
fi
if [ -s /test/guest_cmd.sh ] && [ "\$(cat /test/guest_cmd.sh)" != "" ]; then
  a=\$(up); (sh -e /test/guest_cmd.sh); rc=\$?; echo "GUEST guest_cmd exit=\$rc took \$(echo "\$(up) - \$a" | bc)s"
fi
echo "GUEST modules at end: \$(lsmod | awk 'NR>1{print \$1}' | sort | tr '\n' ' ')"
echo "GUEST done at uptime=\$(up)s"
poweroff -f
EOF
chmod +x "$R/init"

cd "$R"
case "$COMP" in
  gzip) find . | cpio -o -H newc --quiet | gzip -6 > "$W/initramfs.img";;
  zstd) find . | cpio -o -H newc --quiet | zstd -q -T0 -10 > "$W/initramfs.img";;
  none) find . | cpio -o -H newc --quiet > "$W/initramfs.img";;
esac
log "initramfs ($COMP): $(du -h "$W/initramfs.img" | cut -f1) packed, $(du -sh "$R" | cut -f1) unpacked"
fi

# ---- 5. boot under TCG ---------------------------------------------------------------------------
cd "$W"
log "booting: qemu -accel tcg -cpu $CPU -smp $SMP -m $MEM"
set +e
timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu "$CPU" -smp "$SMP" -m "$MEM" \
  -kernel "$VMLINUZ" -initrd "$W/initramfs.img" \
  -append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init${DENO_FLAGS:+ denoflags=$DENO_FLAGS}" \
  -display none -monitor none -serial stdio -no-reboot </dev/null 2>&1 \
  | sed -u 's/\r$//' | "$W/dl/bbroot/bin/busybox" ts -s '%.s' | tee "$W/console.log"
rc=${PIPESTATUS[0]}
set -e
log "qemu exited rc=$rc (124 = timeout)"
echo "==== summary ===="
grep -E "RESULT|GUEST" "$W/console.log" | sed 's/^[0-9.]* //'
if grep -q CPYLOG "$W/console.log"; then   # CPython test_socket: per-class counts for the exotic families
  sed -n 's/^[0-9.]* CPYLOG //p' "$W/console.log" > "$W/test_socket.log"
  /usr/bin/python3.11 - "$W/test_socket.log" <<'PYEOF'
import re, sys, collections
txt = open(sys.argv[1]).read()
c = collections.defaultdict(collections.Counter)
for m in re.finditer(r"^(test\w+) \((?:test\.)?test_socket\.(\w+)\.\w+\)(?:\n.*?)? \.\.\. (ok|skipped.*|FAIL|ERROR|expected failure|unexpected success)$", txt, re.M):
    c[m.group(2)][m.group(3).split()[0]] += 1
pat = re.compile(r"CAN|ISOTP|J1939|BCM|Crypto|TIPC|VSOCK|Bluetooth|HCI|RDS|QIPCRTR", re.I)
for cls in sorted(c):
    if pat.search(cls): print(f"CPYTEST {cls:42s} " + " ".join(f"{k}={v}" for k, v in sorted(c[cls].items())))
for l in txt.splitlines():
    if re.match(r"^(Ran |OK|FAILED|FAIL:|ERROR:)", l): print("CPYTEST", l)
PYEOF
fi
# exit status for CI: the guest must have run to the end, the Deno probe must have finished,
# and no probe line / guest command / CPython test_socket run may have failed
grep -q "GUEST done at" "$W/console.log" && grep -q "SOCKTEST DONE" "$W/console.log" &&
  ! grep -qE "RESULT .* FAIL|guest_cmd exit=[1-9]|test_socket rc=[1-9]" "$W/console.log"
