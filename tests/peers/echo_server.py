# Echo server program: the first server of Python's socket documentation
# (https://docs.python.org/3/library/socket.html#example), unchanged but for
# the port taken from argv (0: a free one) and the "listening on" line the
# tests wait for.
import socket
import sys

HOST = '127.0.0.1'                 # Symbolic name meaning the local host
PORT = int(sys.argv[1])            # Arbitrary non-privileged port
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen(1)
    print(f"listening on {HOST}:{s.getsockname()[1]}", flush=True)
    conn, addr = s.accept()
    with conn:
        print('Connected by', addr)
        while True:
            data = conn.recv(1024)
            if not data: break
            conn.sendall(data)
