/* The C reference for bench/: blocking sockets, the physical limit on this
   machine. C has one way to receive, into a buffer, so the tuned modes
   (ending in -into) are the same programs. Usage:
     bench server echo|sink|udp|accept|lines   prints "ready PORT", serves until killed
     bench client pingpong|bulk|udp|connect|lines PORT N
                                  N rounds (connections for connect, bytes for bulk);
                                  prints "result OPS SECONDS [SECOND_HALF]"
     bench calls N                prints "getsockopt NS" and "eagain NS" */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int bound(int type) {
  int s = socket(AF_INET, type, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); exit(1); }
  getsockname(s, (struct sockaddr *)&a, &len);
  if (type == SOCK_STREAM) listen(s, 128);
  printf("ready %d\n", ntohs(a.sin_port));
  fflush(stdout);
  return s;
}

static void server(const char *mode) {
  static char buf[65536];
  if (!strncmp(mode, "udp", 3)) {
    int s = bound(SOCK_DGRAM);
    for (;;) {
      struct sockaddr_in from;
      socklen_t len = sizeof from;
      ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
      if (n >= 0) sendto(s, buf, n, 0, (struct sockaddr *)&from, len);
    }
  }
  int s = bound(SOCK_STREAM), echo = !strncmp(mode, "echo", 4);
  for (;;) {
    int c = accept(s, NULL, NULL), one = 1;
    if (!strcmp(mode, "accept")) {
      ssize_t n = recv(c, buf, 1024, 0);
      if (n > 0) send(c, buf, n, 0);
      close(c);
      continue;
    }
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!strcmp(mode, "lines")) { /* stdio's line reading, as a C program would */
      FILE *in = fdopen(dup(c), "r"), *out = fdopen(c, "w");
      while (fgets(buf, sizeof buf, in)) {
        fputs(buf, out);
        fflush(out);
      }
      fclose(in);
      fclose(out);
      continue;
    }
    ssize_t n;
    while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
      if (echo) {
        for (ssize_t off = 0; off < n;) off += send(c, buf + off, n - off, 0);
      }
    }
    if (!echo) send(c, "k", 1, 0); /* the sink acknowledges the end */
    close(c);
  }
}

static void client(const char *mode, int port, long long n) {
  static char buf[65536];
  /* Real bytes, as the other clients send: a never-written static buffer is
     the kernel's shared zero page, one 4 KiB page that stays in L1 cache,
     which made the bulk copy cheaper for C alone. */
  memset(buf, 'x', sizeof buf);
  struct sockaddr_in a = loopback(port);
  double t0, half = 0; /* half: when the second half of the round trips began */
  if (!strncmp(mode, "udp", 3)) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    connect(s, (struct sockaddr *)&a, sizeof a);
    t0 = now();
    for (long long i = 0; i < n; i++) {
      if (i == n / 2) half = now();
      send(s, buf, 64, 0);
      recv(s, buf, sizeof buf, 0);
    }
  } else if (!strcmp(mode, "connect")) {
    t0 = now();
    for (long long i = 0; i < n; i++) {
      if (i == n / 2) half = now();
      int s = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
      send(s, buf, 64, 0);
      recv(s, buf, 1024, 0);
      close(s);
    }
  } else {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
    t0 = now();
    if (!strcmp(mode, "lines")) {
      FILE *in = fdopen(dup(s), "r"), *out = fdopen(s, "w");
      char line[65];
      memset(line, 'x', 63);
      line[63] = '\n';
      line[64] = 0;
      for (long long i = 0; i < n; i++) {
        if (i == n / 2) half = now();
        fputs(line, out);
        fflush(out);
        if (!fgets(buf, sizeof buf, in)) { perror("fgets"); exit(1); }
      }
    } else if (!strncmp(mode, "pingpong", 8)) {
      for (long long i = 0; i < n; i++) {
        if (i == n / 2) half = now();
        send(s, buf, 64, 0);
        for (ssize_t got = 0; got < 64;) got += recv(s, buf + got, 64 - got, 0);
      }
    } else {
      for (long long sent = 0; sent < n;) {
        ssize_t k = send(s, buf, n - sent < 65536 ? n - sent : 65536, 0);
        if (k < 0) { perror("send"); exit(1); }
        sent += k;
      }
      shutdown(s, SHUT_WR);
      recv(s, buf, 1, 0);
    }
  }
  double t1 = now();
  if (half) printf("result %lld %.9f %.9f\n", n, t1 - t0, t1 - half);
  else printf("result %lld %.9f\n", n, t1 - t0);
}

static void calls(long long n) {
  int s = socket(AF_INET, SOCK_STREAM, 0), v;
  socklen_t len;
  double t0 = now();
  for (long long i = 0; i < n; i++) {
    len = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len);
  }
  printf("getsockopt %.1f\n", (now() - t0) / n * 1e9);
  int p[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, p);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  char b[64];
  t0 = now();
  for (long long i = 0; i < n; i++) {
    if (recv(p[0], b, sizeof b, 0) >= 0 || errno != EAGAIN) exit(1);
  }
  printf("eagain %.1f\n", (now() - t0) / n * 1e9);
}

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "server")) server(argv[2]);
  else if (argc >= 5 && !strcmp(argv[1], "client")) client(argv[2], atoi(argv[3]), atoll(argv[4]));
  else if (argc >= 3 && !strcmp(argv[1], "calls")) calls(atoll(argv[2]));
  else { fprintf(stderr, "usage: see bench.c\n"); return 2; }
  return 0;
}
