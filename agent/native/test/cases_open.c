/*
 * The fixed corpus, and the ways tm_reader_open refuses: a host that is not an IP address, a port
 * already bound, and the SO_REUSEPORT sharing that the agent's workers rely on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"

#define SLOT 2048
#define MAX_FILES 64

typedef struct corpus {
  uint8_t *bytes[MAX_FILES];
  size_t lengths[MAX_FILES];
  int count;
} corpus;

static size_t corpus_datagram(void *context, uint64_t index, uint8_t *out) {
  const corpus *files = context;
  memcpy(out, files->bytes[index], files->lengths[index]);
  return files->lengths[index];
}

static int visible(const struct dirent *entry) { return entry->d_name[0] != '.'; }

static void load_corpus(tt_case *c, corpus *files, const char *directory) {
  struct dirent **names = NULL;
  int found = scandir(directory, &names, visible, alphasort);
  if (found < 0) {
    tt_fail(c, "cannot list %s: %s", directory, strerror(errno));
    return;
  }
  for (int i = 0; i < found; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", directory, names[i]->d_name);
    free(names[i]);
    if (c->failed) continue;
    if (files->count == MAX_FILES) {
      tt_fail(c, "more than %d files in %s", MAX_FILES, directory);
      continue;
    }
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
      tt_fail(c, "cannot read %s: %s", path, strerror(errno));
      continue;
    }
    uint8_t *bytes = malloc(TT_MAX_DATAGRAM + 1);
    size_t length = bytes != NULL ? fread(bytes, 1, TT_MAX_DATAGRAM + 1, file) : 0;
    fclose(file);
    TT_CHECK(c, bytes != NULL, "out of memory");
    TT_CHECK(c, length <= TT_MAX_DATAGRAM, "%s is larger than a UDP datagram", path);
    files->bytes[files->count] = bytes;
    files->lengths[files->count++] = length;
  }
  free(names);
}

int tt_case_corpus(const char *directory) {
  tt_case c = {.name = "corpus-udp4"};
  corpus files = {.count = 0};
  tt_buffers b;
  tt_buffers_init(&b, 8, SLOT);
  tm_open_options options = {.family = AF_INET, .host = "127.0.0.1", .recv_buffer_bytes = 1 << 20};
  tm_reader reader;
  char err[256], detail[128] = "";
  int fd = -1;
  tt_stream s;
  tt_stream_init(&s, &reader, &c, corpus_datagram, &files);
  load_corpus(&c, &files, directory);
  if (tt_open(&reader, &options, &b, err, sizeof err) != 0) {
    tt_fail(&c, "open: %s", err);
    goto done;
  }
  fd = tt_connect_sender(&c, &reader, AF_INET, "127.0.0.1");
  size_t empty = 0;
  for (int i = 0; fd >= 0 && i < files.count && !c.failed; i++) {
    tt_send(&c, fd, files.bytes[i], files.lengths[i]);
    tt_drain(&s, (uint64_t)i + 1);
    empty += files.lengths[i] == 0;
  }
  TT_CHECK(&c, files.count >= 8, "only %d corpus files in %s", files.count, directory);
  TT_CHECK(&c, s.received == (uint64_t)files.count, "received %llu of %d", (unsigned long long)s.received,
           files.count);
  TT_CHECK(&c, empty > 0 && s.truncated > 0, "the corpus has %zu empty and %llu truncated datagrams", empty,
           (unsigned long long)s.truncated);
  snprintf(detail, sizeof detail, "%d files, %llu truncated", files.count, (unsigned long long)s.truncated);
done:
  if (fd >= 0) close(fd);
  tm_reader_close(&reader);
  tt_stream_free(&s);
  tt_buffers_free(&b);
  for (int i = 0; i < files.count; i++) free(files.bytes[i]);
  return tt_report(&c, detail);
}

/* Opens `reader`, expecting `code`; a refused open must leave nothing open (checked by valgrind and fd). */
static int open_expect(tt_case *c, tm_reader *reader, const tm_open_options *options, const tt_buffers *b, int code,
                       const char *mention) {
  char err[256];
  int got = tt_open(reader, options, b, err, sizeof err);
  if (got != code) {
    tt_fail(c, "open %s port %d: %s, expected %s (%s)", options->host, options->port, strerror(got), strerror(code),
            err);
    return -1;
  }
  if (code == 0) return 0;
  TT_CHECK(c, reader->fd == -1, "a refused open left fd %d", reader->fd);
  TT_CHECK(c, mention == NULL || strstr(err, mention) != NULL, "the reason '%s' does not mention '%s'", err, mention);
  /* A second close after a refused open is harmless. */
  tm_reader_close(reader);
  return 0;
}

int tt_case_open_errors(void) {
  tt_case c = {.name = "open-errors"};
  tt_buffers b;
  tt_buffers_init(&b, 8, SLOT);
  tm_reader first, second, shared[2];
  char where[128], address[64], detail[128] = "";
  tm_open_options bad = {.family = AF_INET, .host = "not-an-ip"};
  open_expect(&c, &first, &bad, &b, EINVAL, "not-an-ip");
  tm_open_options v4_as_v6 = {.family = AF_INET6, .host = "127.0.0.1"};
  open_expect(&c, &first, &v4_as_v6, &b, EINVAL, "127.0.0.1");

  tm_open_options loopback = {.family = AF_INET, .host = "127.0.0.1"};
  if (open_expect(&c, &first, &loopback, &b, 0, NULL) == 0) {
    int port = tm_reader_address(&first, address, sizeof address);
    TT_CHECK(&c, port > 0 && strcmp(address, "127.0.0.1") == 0, "bound to %s port %d", address, port);
    tm_open_options taken = {.family = AF_INET, .host = "127.0.0.1", .port = port};
    snprintf(where, sizeof where, "127.0.0.1:%d", port);
    open_expect(&c, &second, &taken, &b, EADDRINUSE, where);
    taken.reuse_port = 1;
    /* The first socket did not ask for SO_REUSEPORT, so the port stays its own. */
    open_expect(&c, &second, &taken, &b, EADDRINUSE, where);
    tm_reader_close(&first);
  }

  tm_open_options v6 = {.family = AF_INET6, .host = "::1", .reuse_port = 1};
  if (open_expect(&c, &shared[0], &v6, &b, 0, NULL) == 0) {
    v6.port = tm_reader_address(&shared[0], address, sizeof address);
    TT_CHECK(&c, strcmp(address, "::1") == 0, "bound to %s, not ::1", address);
    tt_buffers other;
    tt_buffers_init(&other, 8, SLOT);
    if (open_expect(&c, &shared[1], &v6, &other, 0, NULL) == 0) {
      /* The kernel spreads senders over the sockets by their source port; together they get all. */
      enum { SENDERS = 32 };
      for (int i = 0; i < SENDERS && !c.failed; i++) {
        int fd = tt_connect_sender(&c, &shared[0], AF_INET6, "::1");
        uint8_t byte = (uint8_t)i;
        if (fd >= 0) tt_send(&c, fd, &byte, 1);
        if (fd >= 0) close(fd);
      }
      int got[2] = {0, 0};
      for (int tries = 0; tries < 200 && got[0] + got[1] < SENDERS; tries++) {
        for (int k = 0; k < 2; k++) {
          int n = tm_reader_recv(&shared[k]);
          got[k] += n > 0 ? n : 0;
        }
        if (got[0] + got[1] < SENDERS) usleep(10000);
      }
      TT_CHECK(&c, got[0] + got[1] == SENDERS, "two SO_REUSEPORT readers got %d + %d of %d", got[0], got[1], SENDERS);
      snprintf(detail, sizeof detail, "SO_REUSEPORT pair on [::1]:%d read %d + %d", v6.port, got[0], got[1]);
      tm_reader_close(&shared[1]);
    }
    tt_buffers_free(&other);
    tm_reader_close(&shared[0]);
  }
  tt_buffers_free(&b);
  return tt_report(&c, detail);
}
