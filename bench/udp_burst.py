"""Async datagram bursts, asyncio's side (udp_burst_pysocket.ts is pysocket's).

    python3 bench/udp_burst.py recv ROUNDS N   # ROUNDS bursts of N datagrams; prints the counts
    python3 bench/udp_burst.py send PORT N     # the sender both receivers spawn

Each round a python3 sender sends N datagrams of 64 B to 127.0.0.1 as fast
as it can, while `await loop.sock_recvfrom(s, 65536)` counts them. What the
receive buffer cannot hold while the receiver is not running, the kernel
drops; the counts say how many came through.
"""

import asyncio
import socket
import subprocess
import sys


def send(port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    msg = b"x" * 64
    for _ in range(n):
        s.sendto(msg, ("127.0.0.1", port))


async def recv(rounds, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    port = s.getsockname()[1]
    loop = asyncio.get_running_loop()
    counts = []
    for _ in range(rounds):
        got = 0

        async def rx():
            nonlocal got
            while True:
                await loop.sock_recvfrom(s, 65536)
                got += 1

        task = asyncio.ensure_future(rx())
        sender = subprocess.Popen([sys.executable, __file__, "send", str(port), str(n)])
        while sender.poll() is None:
            await asyncio.sleep(0.05)
        last = -1
        while got != last:  # until the datagrams in flight have come
            last = got
            await asyncio.sleep(0.3)
        task.cancel()
        counts.append(got)
    print("received", *counts)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(int(sys.argv[2]), int(sys.argv[3]))
    else:
        asyncio.run(recv(int(sys.argv[2]), int(sys.argv[3])))
