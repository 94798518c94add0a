# Echo client program: the second (IPv4/IPv6) client of Python's socket
# documentation (https://docs.python.org/3/library/socket.html#example),
# unchanged but for the host and port taken from argv.
import socket
import sys

HOST = sys.argv[1]    # The remote host
PORT = int(sys.argv[2])              # The same port as used by the server
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except OSError as msg:
        s = None
        continue
    try:
        s.connect(sa)
    except OSError as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
with s:
    s.sendall(b'Hello, world')
    data = s.recv(1024)
print('Received', repr(data))
