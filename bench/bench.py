# The Python side of bench/: the echo server of Python's socket documentation
# (blocking socket, accept, recv/sendall loop), a sink and a UDP echo, and
# clients that time the same rounds as bench.c. Usage as bench.c.
import socket
import sys
import time


def server(mode):
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        print("ready", s.getsockname()[1], flush=True)
        while True:
            data, addr = s.recvfrom(65536)
            s.sendto(data, addr)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        print("ready", s.getsockname()[1], flush=True)
        while True:
            conn, addr = s.accept()
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    if mode == "echo":
                        conn.sendall(data)
                if mode == "sink":
                    conn.sendall(b"k")


def client(mode, port, n):
    msg = b"x" * 64
    half = None  # when the second half of the round trips began
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("127.0.0.1", port))
        t0 = time.perf_counter()
        for i in range(n):
            if i == n // 2:
                half = time.perf_counter()
            s.send(msg)
            s.recv(65536)
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
