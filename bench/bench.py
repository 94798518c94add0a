# The Python side of bench/: the echo server of Python's socket documentation
# (blocking socket, accept, recv/sendall loop), a sink, a UDP echo, a
# connection-per-request server and a makefile line server, with clients that
# time the same rounds as bench.c. The modes ending in -into are the tuned
# variants, with recv_into and recvfrom_into. Usage as bench.c.
import socket
import sys
import time


def server(mode):
    if mode in ("udp", "udp-into"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        print("ready", s.getsockname()[1], flush=True)
        if mode == "udp":
            while True:
                data, addr = s.recvfrom(65536)
                s.sendto(data, addr)
        buf = bytearray(65536)
        view = memoryview(buf)
        while True:
            n, addr = s.recvfrom_into(buf)
            s.sendto(view[:n], addr)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(128)
        print("ready", s.getsockname()[1], flush=True)
        buf = bytearray(65536)
        view = memoryview(buf)
        while True:
            conn, addr = s.accept()
            with conn:
                if mode == "accept":
                    data = conn.recv(1024)
                    conn.sendall(data)
                    continue
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if mode == "lines":
                    with conn.makefile("rwb") as f:
                        for line in f:
                            f.write(line)
                            f.flush()
                    continue
                while True:
                    if mode.endswith("-into"):
                        n = conn.recv_into(buf)
                        if not n:
                            break
                        if mode == "echo-into":
                            conn.sendall(view[:n])
                    else:
                        data = conn.recv(65536)
                        if not data:
                            break
                        if mode == "echo":
                            conn.sendall(data)
                if mode.startswith("sink"):
                    conn.sendall(b"k")


def client(mode, port, n):
    msg = b"x" * 64
    half = None  # when the second half of the round trips began
    buf = bytearray(65536)
    view = memoryview(buf)
    if mode in ("udp", "udp-into"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("127.0.0.1", port))
        t0 = time.perf_counter()
        for i in range(n):
            if i == n // 2:
                half = time.perf_counter()
            s.send(msg)
            if mode == "udp":
                s.recv(65536)
            else:
                s.recv_into(buf)
    elif mode == "connect":
        t0 = time.perf_counter()
        for i in range(n):
            if i == n // 2:
                half = time.perf_counter()
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(msg)
            s.recv(1024)
            s.close()
    else:
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t0 = time.perf_counter()
        if mode == "pingpong":
            for i in range(n):
                if i == n // 2:
                    half = time.perf_counter()
                s.sendall(msg)
                got = 0
                while got < 64:
                    got += len(s.recv(64 - got))
        elif mode == "pingpong-into":
            for i in range(n):
                if i == n // 2:
                    half = time.perf_counter()
                s.sendall(msg)
                got = 0
                while got < 64:
                    got += s.recv_into(view[got:64])
        elif mode == "lines":
            line = b"x" * 63 + b"\n"
            f = s.makefile("rwb")
            for i in range(n):
                if i == n // 2:
                    half = time.perf_counter()
                f.write(line)
                f.flush()
                f.readline()
        else:
            chunk = b"x" * 65536
            view = memoryview(chunk)
            sent = 0
            while sent < n:
                k = min(65536, n - sent)
                s.sendall(view[:k])
                sent += k
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
    t1 = time.perf_counter()
    print(f"result {n} {t1 - t0:.9f}" + (f" {t1 - half:.9f}" if half else ""))


def calls(n):
    s = socket.socket()
    t0 = time.perf_counter()
    for _ in range(n):
        s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    print(f"getsockopt {(time.perf_counter() - t0) / n * 1e9:.1f}")
    a, b = socket.socketpair()
    a.setblocking(False)
    buf = bytearray(64)
    t0 = time.perf_counter()
    for _ in range(n):
        try:
            a.recv_into(buf)
        except BlockingIOError:
            pass
    print(f"eagain {(time.perf_counter() - t0) / n * 1e9:.1f}")


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2])
    elif sys.argv[1] == "client":
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        calls(int(sys.argv[2]))
