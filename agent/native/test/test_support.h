/*
 * Shared pieces of the recv_batch.c test: a seeded generator of hostile datagrams, a checker that
 * drains a reader and compares every datagram with what was sent, and the PASS/FAIL bookkeeping.
 * The test links recv_batch.c itself, so valgrind watches the very code the agent's addon runs.
 */
#ifndef TASKMETER_RECV_BATCH_TEST_SUPPORT_H
#define TASKMETER_RECV_BATCH_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "recv_batch.h"

/* The largest UDP payload over IPv4 (65535 minus the IP and UDP headers). */
#define TT_MAX_DATAGRAM 65507

/* One case's verdict: the first reason it failed, or none. */
typedef struct tt_case {
  const char *name;
  int failed;
  char why[512];
} tt_case;

/* Records the first failure of `c` (later ones would only repeat its consequences). */
void tt_fail(tt_case *c, const char *format, ...) __attribute__((format(printf, 2, 3)));
#define TT_CHECK(c, cond, ...)              \
  do {                                      \
    if (!(cond)) tt_fail((c), __VA_ARGS__); \
  } while (0)

/* The bytes of datagram `index` of a stream: writes them to `out` (TT_MAX_DATAGRAM bytes) and returns the length. */
typedef size_t (*tt_expected_fn)(void *context, uint64_t index, uint8_t *out);

/* One stream of datagrams being sent to a reader and checked as they come out of it. */
typedef struct tt_stream {
  tm_reader *reader;
  tt_case *c;
  tt_expected_fn expected;
  void *context;
  uint8_t *scratch; /* TT_MAX_DATAGRAM bytes to rebuild the expected datagram into */
  uint64_t next;    /* index of the next datagram the reader should return */
  uint64_t received, truncated, full_batches, empty_reads, waits, errors;
  int timeout_ms;   /* how long to wait for a datagram that was sent and has not arrived */
} tt_stream;

void tt_stream_init(tt_stream *s, tm_reader *reader, tt_case *c, tt_expected_fn expected, void *context);
void tt_stream_free(tt_stream *s);
/*
 * Reads until datagram `until - 1` has come out, checking each one, then reads once more and
 * expects an empty queue (0, not a duplicate). Returns 0, or -1 after recording the failure.
 */
int tt_drain(tt_stream *s, uint64_t until);

/* The hostile fuzz shapes: datagram `index` of the stream seeded with `seed`, for slots of `slot` bytes. */
typedef struct tt_fuzz {
  uint64_t seed;
  unsigned slot;
} tt_fuzz;
size_t tt_fuzz_datagram(void *fuzz, uint64_t index, uint8_t *out);

/* A blocking datagram socket connected to the reader's address; -1 after recording the failure. */
int tt_connect_sender(tt_case *c, const tm_reader *reader, int family, const char *host);
/* send() of exactly `length` bytes; 0, or -1 after recording the failure. */
int tt_send(tt_case *c, int fd, const uint8_t *bytes, size_t length);

/* Allocates the caller-owned buffers of a reader (batch * slot bytes and batch lengths). */
typedef struct tt_buffers {
  uint8_t *buffer;
  int32_t *lengths;
  unsigned batch, slot;
} tt_buffers;
void tt_buffers_init(tt_buffers *b, unsigned batch, unsigned slot);
void tt_buffers_free(tt_buffers *b);
int tt_open(tm_reader *reader, const tm_open_options *options, const tt_buffers *b, char *err, size_t err_len);

/* Milliseconds on the monotonic clock. */
double tt_now_ms(void);

/* The cases; each prints one PASS or FAIL line and returns 1 when it failed. */
int tt_case_fuzz(int family, uint64_t seed, uint64_t count, unsigned batch);
int tt_case_corpus(const char *directory);
int tt_case_kernel_drops(void);
int tt_case_unix(void);
int tt_case_open_errors(void);

/* Prints the case's line; 1 when it failed. `detail` goes on a PASS line (counts seen). */
int tt_report(const tt_case *c, const char *detail);

#endif
