/*
 * The UDP cases: the seeded fuzz over IPv4 and IPv6 loopback, and the kernel's drop counter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

#define SLOT 2048

int tt_case_fuzz(int family, uint64_t seed, uint64_t count, unsigned batch) {
  char name[64];
  snprintf(name, sizeof name, "fuzz-udp%s-batch%u", family == AF_INET6 ? "6" : "4", batch);
  tt_case c = {.name = name};
  const char *host = family == AF_INET6 ? "::1" : "127.0.0.1";
  tt_buffers b;
  tt_buffers_init(&b, batch, SLOT);
  /* A large queue, and rounds sized to a quarter of it below, so nothing is ever dropped. */
  tm_open_options options = {.family = family, .host = host, .recv_buffer_bytes = 1 << 21};
  tm_reader reader;
  char err[256];
  char detail[256] = "";
  int fd = -1;
  tt_stream s;
  tt_fuzz fuzz = {seed, SLOT};
  tt_stream_init(&s, &reader, &c, tt_fuzz_datagram, &fuzz);
  uint8_t *out = malloc(TT_MAX_DATAGRAM);
  if (tt_open(&reader, &options, &b, err, sizeof err) != 0) {
    tt_fail(&c, "open %s: %s", host, err);
    goto done;
  }
  double started = tt_now_ms();
  int first = tm_reader_recv(&reader);
  double took = tt_now_ms() - started;
  TT_CHECK(&c, first == 0, "tm_reader_recv on an empty queue returned %d, not 0", first);
  TT_CHECK(&c, took < 1000, "tm_reader_recv on an empty queue took %.0f ms: it must not block", took);
  fd = tt_connect_sender(&c, &reader, family, host);
  if (fd < 0 || out == NULL) goto done;
  size_t budget = (size_t)tm_reader_recv_buffer_bytes(&reader) / 4;
  uint64_t sent = 0, rounds = 0;
  while (sent < count && !c.failed) {
    /* Each queued datagram costs about twice its length in the receive buffer on loopback. */
    size_t queued = 0;
    unsigned in_round = 0;
    while (sent < count && in_round < 3 * batch + 1 && queued < budget) {
      size_t length = tt_fuzz_datagram(&fuzz, sent, out);
      if (tt_send(&c, fd, out, length) != 0) break;
      sent++;
      in_round++;
      queued += 2 * length + 1280;
    }
    rounds++;
    tt_drain(&s, sent);
  }
  TT_CHECK(&c, s.received == count, "received %llu of %llu", (unsigned long long)s.received,
           (unsigned long long)count);
  TT_CHECK(&c, s.errors == 0, "%llu read errors", (unsigned long long)s.errors);
  TT_CHECK(&c, s.empty_reads == rounds, "%llu empty reads after %llu rounds", (unsigned long long)s.empty_reads,
           (unsigned long long)rounds);
  /* Every wait ends with a datagram arriving, so there cannot be more of them than datagrams. */
  TT_CHECK(&c, s.waits <= s.received, "%llu waits for %llu datagrams", (unsigned long long)s.waits,
           (unsigned long long)s.received);
  TT_CHECK(&c, count < 100 || s.truncated > 0, "no datagram came back TM_TRUNCATED");
  TT_CHECK(&c, count < 100 || s.full_batches > 0, "no batch of %u was ever full", batch);
  TT_CHECK(&c, reader.kernel_drops == 0, "the kernel dropped %u datagrams while paced", reader.kernel_drops);
  snprintf(detail, sizeof detail, "%llu datagrams in %llu rounds, %llu truncated, %llu full batches, %llu waits",
           (unsigned long long)s.received, (unsigned long long)rounds, (unsigned long long)s.truncated,
           (unsigned long long)s.full_batches, (unsigned long long)s.waits);
done:
  if (fd >= 0) close(fd);
  tm_reader_close(&reader);
  tt_stream_free(&s);
  tt_buffers_free(&b);
  free(out);
  return tt_report(&c, detail);
}

/* Reads until the queue stays empty for `quiet_ms`: the datagrams read, or -1 on an error. */
static long drain_all(tt_case *c, tm_reader *reader, int quiet_ms, int32_t expected_length) {
  long total = 0;
  for (;;) {
    int count = tm_reader_recv(reader);
    if (count < 0) {
      tt_fail(c, "tm_reader_recv: %s", strerror(-count));
      return -1;
    }
    for (int i = 0; i < count; i++)
      TT_CHECK(c, reader->lengths[i] == expected_length, "a datagram of %d bytes, sent %d", reader->lengths[i],
               expected_length);
    total += count;
    if (count > 0) continue;
    struct pollfd p = {.fd = reader->fd, .events = POLLIN};
    if (poll(&p, 1, quiet_ms) != 1) return total;
  }
}

int tt_case_kernel_drops(void) {
  tt_case c = {.name = "kernel-drops"};
  tt_case drained = {.name = "kernel-drops-when-drained"};
  enum { SENT = 2000, LENGTH = 32 };
  tt_buffers b;
  tt_buffers_init(&b, 64, SLOT);
  tm_open_options options = {.family = AF_INET, .host = "127.0.0.1", .recv_buffer_bytes = 4096};
  tm_reader reader;
  char err[256], detail[256] = "";
  int fd = -1;
  if (tt_open(&reader, &options, &b, err, sizeof err) != 0) {
    tt_fail(&c, "open: %s", err);
    goto done;
  }
  int rcvbuf = tm_reader_recv_buffer_bytes(&reader);
  TT_CHECK(&c, rcvbuf >= 4096 && rcvbuf < 65536, "SO_RCVBUF is %d after asking for 4096", rcvbuf);
  fd = tt_connect_sender(&c, &reader, AF_INET, "127.0.0.1");
  if (fd < 0) goto done;
  uint8_t payload[LENGTH];
  memset(payload, 0xFE, sizeof payload);
  for (int i = 0; i < SENT && !c.failed; i++) tt_send(&c, fd, payload, sizeof payload);
  long received = drain_all(&c, &reader, 200, LENGTH);
  uint32_t drops = reader.kernel_drops;
  /*
   * SO_RXQ_OVFL stamps each queued datagram with the drop count when it was queued, so drops after
   * the last datagram that fitted reach the reader only with the next one to arrive: send one more.
   */
  if (!c.failed) tt_send(&c, fd, payload, sizeof payload);
  long after = c.failed ? 0 : drain_all(&c, &reader, 1000, LENGTH);
  uint32_t reported = reader.kernel_drops;
  TT_CHECK(&c, received > 0 && after == 1, "received %ld, then %ld of one more", received, after);
  TT_CHECK(&c, reported > 0, "a full queue dropped nothing that was reported (received %ld of %d)", received, SENT);
  TT_CHECK(&c, received + (long)reported == SENT, "received %ld + kernel drops %u != %d sent", received, reported,
           SENT);
  snprintf(detail, sizeof detail, "SO_RCVBUF %d, %d sent, %ld received, %u dropped", rcvbuf, SENT, received, reported);
  /* The count a reader holds once it has drained the queue, which is what the agent reports at stop. */
  TT_CHECK(&drained, drops == reported, "after draining %ld of %d, kernel_drops is %u; the kernel had dropped %u",
           received, SENT, drops, reported);
done:
  if (fd >= 0) close(fd);
  tm_reader_close(&reader);
  tt_buffers_free(&b);
  TT_CHECK(&drained, !c.failed, "see kernel-drops");
  return tt_report(&c, detail) + tt_report(&drained, "");
}
