/*
 * The generator, checker and sender shared by the cases; see test_support.h.
 */
#define _GNU_SOURCE
#include "test_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void tt_fail(tt_case *c, const char *format, ...) {
  if (c->failed) return;
  c->failed = 1;
  va_list args;
  va_start(args, format);
  vsnprintf(c->why, sizeof c->why, format, args);
  va_end(args);
}

int tt_report(const tt_case *c, const char *detail) {
  if (c->failed) printf("FAIL %s: %s\n", c->name, c->why);
  else printf("PASS %s%s%s\n", c->name, detail[0] ? ": " : "", detail);
  fflush(stdout);
  return c->failed;
}

double tt_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

/* splitmix64: one multiply-xorshift step, enough to make every datagram's shape and bytes unrelated. */
static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

typedef struct rng {
  uint64_t state;
} rng;

static uint64_t next(rng *r) {
  r->state += 0x9E3779B97F4A7C15ull;
  return mix(r->state);
}

static unsigned below(rng *r, unsigned n) { return (unsigned)(next(r) % n); }

static void random_bytes(rng *r, uint8_t *out, size_t length) {
  for (size_t i = 0; i < length; i++) out[i] = (uint8_t)next(r);
}

size_t tt_fuzz_datagram(void *context, uint64_t index, uint8_t *out) {
  const tt_fuzz *fuzz = context;
  unsigned slot = fuzz->slot;
  rng r = {mix(fuzz->seed) ^ mix(index + 1)};
  /* A max-size datagram every 1024 from the second one on, and now and then at random. */
  unsigned shape = index % 1024 == 1 || below(&r, 700) == 0 ? 99 : below(&r, 16);
  size_t length;
  switch (shape) {
    case 0: return 0;
    case 1: {
      static const uint8_t singles[] = {0x00, 0xFF, 0xFE, '\n', ':'};
      out[0] = below(&r, 2) ? singles[below(&r, sizeof singles)] : (uint8_t)next(&r);
      return 1;
    }
    case 2:
    case 3:
      /* Like a binary frame: the 0xFE marker, a version, a count, then anything. */
      length = 2 + below(&r, 600);
      random_bytes(&r, out, length);
      out[0] = 0xFE;
      out[1] = (uint8_t)below(&r, 4);
      return length;
    case 4:
    case 5:
      /* Anywhere from empty to well past the slot, so some come back truncated. */
      length = below(&r, 2 * slot + 64);
      random_bytes(&r, out, length);
      return length;
    case 6:
    case 7:
      length = 1 + below(&r, slot + 64);
      memset(out, shape == 6 ? 0x00 : 0xFF, length);
      return length;
    case 8:
      /* The slot's edges: one short of it, exactly it, one and two past it. */
      length = slot - 1 + below(&r, 4);
      random_bytes(&r, out, length);
      return length;
    case 9: {
      static const char text[] = "api.req:12.5|ms|@0.5|#env:\x00\xff,x\n:|\n";
      length = 1 + below(&r, sizeof text - 1);
      memcpy(out, text, length);
      return length;
    }
    case 99:
      random_bytes(&r, out, TT_MAX_DATAGRAM);
      return TT_MAX_DATAGRAM;
    default:
      length = 1 + below(&r, 200);
      random_bytes(&r, out, length);
      return length;
  }
}

void tt_stream_init(tt_stream *s, tm_reader *reader, tt_case *c, tt_expected_fn expected, void *context) {
  memset(s, 0, sizeof *s);
  s->reader = reader;
  s->c = c;
  s->expected = expected;
  s->context = context;
  s->scratch = malloc(TT_MAX_DATAGRAM);
  s->timeout_ms = 5000;
  if (s->scratch == NULL) tt_fail(c, "out of memory");
}

void tt_stream_free(tt_stream *s) {
  free(s->scratch);
  s->scratch = NULL;
}

/* Compares slot `i` of the last batch with datagram s->next. */
static int check_one(tt_stream *s, int i) {
  const tm_reader *reader = s->reader;
  size_t length = s->expected(s->context, s->next, s->scratch);
  const uint8_t *got = reader->buffer + (size_t)i * reader->slot_bytes;
  int32_t reported = reader->lengths[i];
  unsigned long long index = (unsigned long long)s->next;
  if (length > reader->slot_bytes) {
    if (reported != TM_TRUNCATED) {
      tt_fail(s->c, "datagram %llu of %zu bytes (slot %u): length %d, not TM_TRUNCATED", index, length,
              reader->slot_bytes, reported);
      return -1;
    }
    /* The kernel still fills the slot with the datagram's first bytes. */
    length = reader->slot_bytes;
    s->truncated++;
  } else if (reported != (int32_t)length) {
    tt_fail(s->c, "datagram %llu: length %d, sent %zu bytes (missing, reordered or cut)", index, reported, length);
    return -1;
  }
  if (memcmp(got, s->scratch, length) != 0) {
    size_t at = 0;
    while (got[at] == s->scratch[at]) at++;
    tt_fail(s->c, "datagram %llu (%zu bytes): byte %zu is 0x%02x, sent 0x%02x", index, length, at, got[at],
            s->scratch[at]);
    return -1;
  }
  s->next++;
  s->received++;
  return 0;
}

int tt_drain(tt_stream *s, uint64_t until) {
  if (s->c->failed) return -1;
  while (s->next < until) {
    int count = tm_reader_recv(s->reader);
    if (count < 0) {
      s->errors++;
      tt_fail(s->c, "tm_reader_recv: %s", strerror(-count));
      return -1;
    }
    if (count == 0) {
      /* Loopback delivery may finish in a softirq after send() returned: wait for it, bounded. */
      s->waits++;
      struct pollfd p = {.fd = s->reader->fd, .events = POLLIN};
      if (poll(&p, 1, s->timeout_ms) != 1) {
        tt_fail(s->c, "datagram %llu never arrived within %d ms (kernel drops %u)", (unsigned long long)s->next,
                s->timeout_ms, s->reader->kernel_drops);
        return -1;
      }
      continue;
    }
    if (count > (int)s->reader->batch) {
      tt_fail(s->c, "tm_reader_recv returned %d for a batch of %u", count, s->reader->batch);
      return -1;
    }
    if ((unsigned)count == s->reader->batch) s->full_batches++;
    for (int i = 0; i < count; i++) {
      if (s->next >= until) {
        tt_fail(s->c, "an extra datagram after %llu were sent", (unsigned long long)until);
        return -1;
      }
      if (check_one(s, i) != 0) return -1;
    }
  }
  int rest = tm_reader_recv(s->reader);
  s->empty_reads++;
  if (rest != 0) {
    tt_fail(s->c, "after all %llu datagrams, tm_reader_recv returned %d, not 0", (unsigned long long)until, rest);
    return -1;
  }
  return 0;
}

int tt_connect_sender(tt_case *c, const tm_reader *reader, int family, const char *host) {
  int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    tt_fail(c, "sender socket: %s", strerror(errno));
    return -1;
  }
  struct sockaddr_storage storage;
  memset(&storage, 0, sizeof storage);
  socklen_t size;
  char address[sizeof ((struct sockaddr_un *)0)->sun_path];
  int port = tm_reader_address(reader, address, sizeof address);
  if (family == AF_UNIX) {
    struct sockaddr_un *addr = (struct sockaddr_un *)&storage;
    addr->sun_family = AF_UNIX;
    snprintf(addr->sun_path, sizeof addr->sun_path, "%s", address);
    size = sizeof *addr;
  } else if (family == AF_INET6) {
    struct sockaddr_in6 *addr = (struct sockaddr_in6 *)&storage;
    addr->sin6_family = AF_INET6;
    addr->sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, host, &addr->sin6_addr);
    size = sizeof *addr;
  } else {
    struct sockaddr_in *addr = (struct sockaddr_in *)&storage;
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &addr->sin_addr);
    size = sizeof *addr;
  }
  if (connect(fd, (struct sockaddr *)&storage, size) != 0) {
    tt_fail(c, "sender connect to %s port %d: %s", address, port, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

int tt_send(tt_case *c, int fd, const uint8_t *bytes, size_t length) {
  ssize_t sent;
  do sent = send(fd, bytes, length, 0);
  while (sent < 0 && errno == EINTR);
  if (sent == (ssize_t)length) return 0;
  tt_fail(c, "send of %zu bytes: %s", length, sent < 0 ? strerror(errno) : "short write");
  return -1;
}

void tt_buffers_init(tt_buffers *b, unsigned batch, unsigned slot) {
  b->batch = batch;
  b->slot = slot;
  b->buffer = malloc((size_t)batch * slot);
  b->lengths = malloc(batch * sizeof *b->lengths);
  if (b->buffer == NULL || b->lengths == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
}

void tt_buffers_free(tt_buffers *b) {
  free(b->buffer);
  free(b->lengths);
  b->buffer = NULL;
  b->lengths = NULL;
}

int tt_open(tm_reader *reader, const tm_open_options *options, const tt_buffers *b, char *err, size_t err_len) {
  return tm_reader_open(reader, options, b->buffer, b->lengths, b->batch, b->slot, err, err_len);
}
