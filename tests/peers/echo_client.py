# Echo client program: the first client of Python's socket documentation
# (https://docs.python.org/3/library/socket.html#example), unchanged but for
# the host and port taken from argv.
import socket
import sys

HOST = sys.argv[1]    # The remote host
PORT = int(sys.argv[2])              # The same port as used by the server
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((HOST, PORT))
    s.sendall(b'Hello, world')
    data = s.recv(1024)
print('Received', repr(data))
