# The async echo server of the reactor benchmark, in Python's asyncio, with
# the loop's sock_* calls that pysocket's async functions are named after.
# Prints "ready PORT"; on SIGINT prints "late MS" (how late a 10 ms timer ran
# at worst, from the first connection on) and exits.
import asyncio
import os
import signal
import socket
import time


async def main():
    loop = asyncio.get_running_loop()
    server = socket.create_server(("127.0.0.1", 0), backlog=4096)
    server.setblocking(False)
    late, begun = 0.0, False

    async def tick():
        nonlocal late
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            t = time.perf_counter()
            if begun:
                late = max(late, (t - last) * 1000 - 10)
            last = t

    def report():
        print(f"late {late:.1f}", flush=True)
        os._exit(0)

    loop.add_signal_handler(signal.SIGINT, report)
    ticker = asyncio.create_task(tick())
    print("ready", server.getsockname()[1], flush=True)

    async def echo(conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with conn:
            while True:
                data = await loop.sock_recv(conn, 65536)
                if not data:
                    break
                await loop.sock_sendall(conn, data)

    tasks = set()
    while True:
        conn, _ = await loop.sock_accept(server)
        begun = True
        conn.setblocking(False)
        task = asyncio.create_task(echo(conn))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


asyncio.run(main())
