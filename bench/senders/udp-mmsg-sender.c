// Bench sender: replays pre-built datagrams to 127.0.0.1:<port>, or to a unix datagram socket
// (unix:<path>), with sendmmsg(2) at a target event rate for a bounded time, so that the ingest
// benchmark measures the receiver and not a Node sender (one Node sender sends about as fast as
// one Node receiver receives).
// The datagrams come from a file written by bench/ingest-load.mjs: repeated [u32 LE length][bytes].
// --sockets n sends from n sockets (n source ports) in turn: SO_REUSEPORT spreads by flow hash, so
// one socket would feed one receiver only. Loopback only. Compiled at bench time, never committed:
//   cc -O2 -o bench/results/udp-mmsg-sender bench/senders/udp-mmsg-sender.c
// A unix datagram socket never drops: when the receiver's queue is full the kernel makes the
// sender wait. The sockets are then non-blocking and a send that would block (EAGAIN) is counted
// as `sender_blocked` and waits, as a blocking send would, until the socket is writable again;
// the datagrams it owes stay due, so what was sent, not what was lost, shows how far the receiver
// kept up.
// Usage: udp-mmsg-sender <port|unix:path> <events_per_s> <seconds ≤ 120> <datagram_file> <events_per_datagram> [sockets]
// Prints one JSON line: {"datagrams":…,"events":…,"seconds":…,"send_errors":…,"sender_blocked":…}
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "socket-address.h"

#define BATCH 64
#define MAX_DATAGRAMS 4096
#define MAX_SOCKETS 64

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: udp-mmsg-sender <port|unix:path> <events_per_s> <seconds> <datagram_file> <events_per_datagram> [sockets]\n");
    return 2;
  }
  struct sockaddr_storage address;
  socklen_t address_length;
  int family = socket_address(argv[1], 0, &address, &address_length);
  double rate = atof(argv[2]);
  double seconds = atof(argv[3]);
  int events_per_datagram = atoi(argv[5]);
  int socket_count = argc > 6 ? atoi(argv[6]) : 1;
  if (family < 0 || rate <= 0 || seconds <= 0 || seconds > 120 || events_per_datagram <= 0 || socket_count < 1 || socket_count > MAX_SOCKETS) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  FILE *file = fopen(argv[4], "rb");
  if (file == NULL) {
    perror("datagram file");
    return 2;
  }
  static struct iovec datagrams[MAX_DATAGRAMS];
  int count = 0;
  uint32_t length;
  while (count < MAX_DATAGRAMS && fread(&length, 4, 1, file) == 1) {
    if (length == 0 || length > 65507) return 2;
    void *bytes = malloc(length);
    if (bytes == NULL || fread(bytes, 1, length, file) != length) return 2;
    datagrams[count].iov_base = bytes;
    datagrams[count].iov_len = length;
    count++;
  }
  fclose(file);
  if (count == 0) return 2;

  int send_flags = family == AF_UNIX ? MSG_DONTWAIT : 0;
  int sockets[MAX_SOCKETS];
  for (int s = 0; s < socket_count; s++) {
    sockets[s] = socket(family, SOCK_DGRAM, 0);
    int sndbuf = 4 * 1024 * 1024;
    setsockopt(sockets[s], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (sockets[s] < 0 || connect(sockets[s], (struct sockaddr *)&address, address_length) != 0) {
      perror("socket");
      return 1;
    }
  }

  struct mmsghdr batch[BATCH];
  memset(batch, 0, sizeof batch);
  double datagrams_per_second = rate / events_per_datagram;
  double started = now_seconds();
  double end = started + seconds;
  long long sent = 0, errors = 0, blocked = 0;
  int next = 0, turn = 0;
  struct timespec pause = {0, 50000}; // 50 µs: the pacing step
  for (;;) {
    double now = now_seconds();
    if (now >= end) break;
    long long due = (long long)((now - started) * datagrams_per_second);
    if (sent >= due) {
      nanosleep(&pause, NULL);
      continue;
    }
    int n = due - sent < BATCH ? (int)(due - sent) : BATCH;
    for (int i = 0; i < n; i++) {
      batch[i].msg_hdr.msg_iov = &datagrams[next];
      batch[i].msg_hdr.msg_iovlen = 1;
      next = next + 1 == count ? 0 : next + 1;
    }
    int done = sendmmsg(sockets[turn], batch, n, send_flags);
    turn = turn + 1 == socket_count ? 0 : turn + 1;
    if (done < n) {
      // Not all sent: step back over the ones that were not, so that they stay due.
      int unsent = n - (done < 0 ? 0 : done);
      next = (int)(((long long)next - unsent % count + count) % count);
    }
    if (done < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Wait as a blocking send would, until the receiver's queue has room (at most 10 ms); every
      // socket sends to the same receiver, so the next one in turn is as good as this one.
      blocked++;
      struct pollfd writable = {sockets[turn], POLLOUT, 0};
      poll(&writable, 1, 10);
      continue;
    }
    if (done < 0) {
      // ECONNREFUSED: a previous datagram found no receiver; count and go on (bounded by time).
      errors++;
      continue;
    }
    sent += done;
  }
  double elapsed = now_seconds() - started;
  printf("{\"datagrams\":%lld,\"events\":%lld,\"events_per_datagram\":%d,\"seconds\":%.6f,\"send_errors\":%lld,"
         "\"sender_blocked\":%lld,\"sockets\":%d,\"transport\":\"%s\"}\n",
         sent, sent * events_per_datagram, events_per_datagram, elapsed, errors, blocked, socket_count, family == AF_UNIX ? "unix" : "udp");
  return 0;
}
