// The physical floor for bench/peers: a receiver that does the least any agent must do to take a
// datagram off a socket. It binds the same kind of socket as the agent (UDP on 127.0.0.1 with the
// same SO_RCVBUF, or a unix datagram socket), then blocks in recvmmsg(2) for up to 64 datagrams
// at a time into one preallocated buffer and only counts them and their bytes: no parse, no
// allocation, one system call per batch. Whatever CPU it spends per datagram, an agent spends too
// before it has read a byte, so its CPU per datagram is what an agent's is measured against.
// SO_RXQ_OVFL gives the kernel's drop count on this socket with each datagram.
// Compiled at bench time, never committed:
//   cc -O2 -o bench/results/bare-receiver bench/peers/bare-receiver.c
// Usage: bare-receiver <port|unix:path> <recv_buffer_bytes> <max_seconds ≤ 3600>
// Port 0 binds an ephemeral port. First line: {"transport":…,"port":…} once bound. SIGUSR1 prints
// the counts as one JSON line; SIGTERM, SIGINT or max_seconds print them with getrusage's CPU
// and exit 0. Loopback only.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../senders/socket-address.h"

#define BATCH 64
#define SLOT 65536 // the largest UDP payload fits one slot

static char buffer[BATCH * SLOT];
static volatile sig_atomic_t report_requested = 0;
static volatile sig_atomic_t stop_requested = 0;

static void on_report(int signal_number) {
  (void)signal_number;
  report_requested = 1;
}

static void on_stop(int signal_number) {
  (void)signal_number;
  stop_requested = 1;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Without SA_RESTART a signal ends the blocking recvmmsg with EINTR, so the loop sees the flag.
static void handle(int signal_number, void (*handler)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(signal_number, &action, NULL);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bare-receiver <port|unix:path> <recv_buffer_bytes> <max_seconds>\n");
    return 2;
  }
  struct sockaddr_storage address;
  socklen_t length;
  int family = socket_address(argv[1], 1, &address, &length);
  const char *unix_path = family == AF_UNIX ? ((struct sockaddr_un *)&address)->sun_path : NULL;
  int recv_buffer = atoi(argv[2]);
  int max_seconds = atoi(argv[3]);
  if (family < 0 || recv_buffer < 0 || max_seconds <= 0 || max_seconds > 3600) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  int fd = socket(family, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  if (recv_buffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &recv_buffer, sizeof recv_buffer);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  // A signal that lands between the flag check and the call waits at most this long when idle.
  struct timeval idle = {0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
  // Before the line that says it is bound: the bench may signal as soon as it reads that line.
  handle(SIGUSR1, on_report);
  handle(SIGTERM, on_stop);
  handle(SIGINT, on_stop);
  handle(SIGALRM, on_stop);
  alarm((unsigned)max_seconds);
  if (unix_path != NULL) unlink(unix_path); // a stale socket file of an earlier run
  if (bind(fd, (struct sockaddr *)&address, length) != 0 || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
    perror("bind");
    return 1;
  }
  if (unix_path != NULL)
    printf("{\"transport\":\"unix\",\"path\":\"%s\"}\n", unix_path);
  else
    printf("{\"transport\":\"udp\",\"port\":%d}\n", ntohs(((struct sockaddr_in *)&address)->sin_port));
  fflush(stdout);

  static struct mmsghdr messages[BATCH];
  static struct iovec slots[BATCH];
  static char control[BATCH][CMSG_SPACE(sizeof(uint32_t))];
  for (int i = 0; i < BATCH; i++) {
    slots[i].iov_base = buffer + (size_t)i * SLOT;
    slots[i].iov_len = SLOT;
    messages[i].msg_hdr.msg_iov = &slots[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_control = control[i];
  }
  long long datagrams = 0, bytes = 0, truncated = 0, calls = 0, errors = 0;
  uint32_t drops = 0;
  double started = now_seconds();
  while (!stop_requested) {
    if (report_requested) {
      report_requested = 0;
      printf("{\"datagrams\":%lld,\"bytes\":%lld,\"kernel_drops\":%u,\"recv_calls\":%lld}\n", datagrams, bytes, drops,
             calls);
      fflush(stdout);
    }
    for (int i = 0; i < BATCH; i++) messages[i].msg_hdr.msg_controllen = sizeof control[i];
    int n = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
    if (n < 0) {
      if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) errors++;
      continue;
    }
    calls++;
    for (int i = 0; i < n; i++) {
      datagrams++;
      bytes += messages[i].msg_len;
      if (messages[i].msg_hdr.msg_flags & MSG_TRUNC) truncated++;
    }
    // The kernel attaches the socket's drop count (once there are any) to each datagram: the
    // batch's last one carries the newest.
    struct msghdr *last = &messages[n - 1].msg_hdr;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(last); c != NULL; c = CMSG_NXTHDR(last, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) memcpy(&drops, CMSG_DATA(c), sizeof drops);
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  printf("{\"datagrams\":%lld,\"bytes\":%lld,\"kernel_drops\":%u,\"recv_calls\":%lld,\"truncated\":%lld,\"recv_errors\":%lld,"
         "\"cpu_s\":%.3f,\"seconds\":%.3f}\n",
         datagrams, bytes, drops, calls, truncated, errors, cpu, now_seconds() - started);
  if (unix_path != NULL) unlink(unix_path);
  return 0;
}
