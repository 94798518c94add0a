/* The load generator of bench/ for the async servers: one thread, epoll,
   CONNS connections to 127.0.0.1:PORT, each doing 64-byte ping-pong (send,
   wait for the echo, send again) until ROUNDS round trips are done in all.
   Usage: loadgen PORT CONNS ROUNDS; prints "result ROUNDS SECONDS SECOND_HALF":
   SECOND_HALF times the last ROUNDS - ROUNDS/2 round trips alone, after the
   server has accepted every connection and its JIT has warmed up. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: loadgen PORT CONNS ROUNDS\n"); return 2; }
  int port = atoi(argv[1]), conns = atoi(argv[2]);
  long long rounds = atoll(argv[3]), done = 0, started = 0;
  double half = 0; /* when round trip rounds/2 completed */
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int ep = epoll_create1(0);
  int *got = calloc(conns, sizeof *got);
  int *fds = calloc(conns, sizeof *fds);
  char msg[64], buf[4096];
  memset(msg, 'x', sizeof msg);
  for (int i = 0; i < conns; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    fds[i] = s;
  }
  double t0 = now();
  for (int i = 0; i < conns && started < rounds; i++, started++) send(fds[i], msg, 64, 0);
  struct epoll_event evs[256];
  while (done < rounds) {
    int n = epoll_wait(ep, evs, 256, 5000);
    if (n <= 0) { fprintf(stderr, "stalled after %lld rounds\n", done); return 1; }
    for (int k = 0; k < n; k++) {
      int i = evs[k].data.u32;
      ssize_t r = recv(fds[i], buf, sizeof buf, 0);
      if (r <= 0) { fprintf(stderr, "connection %d ended\n", i); return 1; }
      got[i] += r;
      while (got[i] >= 64) {
        got[i] -= 64;
        if (++done == rounds / 2) half = now();
        if (started < rounds) { send(fds[i], msg, 64, 0); started++; }
      }
    }
  }
  double end = now();
  printf("result %lld %.9f %.9f\n", done, end - t0, end - half);
  return 0;
}
