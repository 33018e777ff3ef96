/*
 * The unix datagram socket: its file mode, the round trip, and the file's life: a live socket is
 * never taken over, a stale one is replaced, anything else is left alone, and close removes only
 * the file this reader made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "test_support.h"

#define SLOT 2048

/* Sends `count` fuzz datagrams over a fresh unix sender, checking each comes back (TM_TRUNCATED past the slot). */
static size_t round_trip(tt_case *c, tm_reader *reader, uint64_t seed, uint64_t count) {
  tt_fuzz fuzz = {seed, SLOT};
  tt_stream s;
  tt_stream_init(&s, reader, c, tt_fuzz_datagram, &fuzz);
  uint8_t *out = malloc(TT_MAX_DATAGRAM);
  int fd = tt_connect_sender(c, reader, AF_UNIX, NULL);
  for (uint64_t i = 0; fd >= 0 && out != NULL && i < count && !c->failed; i++) {
    size_t length = tt_fuzz_datagram(&fuzz, i, out);
    tt_send(c, fd, out, length);
    tt_drain(&s, i + 1);
  }
  if (fd >= 0) close(fd);
  free(out);
  size_t truncated = s.truncated;
  tt_stream_free(&s);
  return truncated;
}

static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

static ino_t inode_of(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 ? st.st_ino : 0;
}

/* A socket file with nobody behind it, as a crashed agent leaves it. */
static void make_stale(tt_case *c, const char *path) {
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  TT_CHECK(c, fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "bind %s: %s", path, strerror(errno));
  if (fd >= 0) close(fd);
}

static void mode_and_traffic(tt_case *c, const char *dir, tt_buffers *b, size_t *truncated) {
  char path[256], err[256];
  snprintf(path, sizeof path, "%s/agent.sock", dir);
  tm_open_options options = {.family = AF_UNIX, .path = path, .mode = 0640};
  tm_reader reader, rival;
  if (tt_open(&reader, &options, b, err, sizeof err) != 0) {
    tt_fail(c, "open %s: %s", path, err);
    return;
  }
  struct stat st;
  TT_CHECK(c, lstat(path, &st) == 0 && S_ISSOCK(st.st_mode), "%s is not a socket after open", path);
  TT_CHECK(c, (st.st_mode & 07777) == 0640, "mode %o, asked for 0640", (unsigned)(st.st_mode & 07777));
  *truncated += round_trip(c, &reader, 7, 300);
  ino_t inode = inode_of(path);
  int code = tt_open(&rival, &options, b, err, sizeof err);
  TT_CHECK(c, code == EADDRINUSE, "a second open of a live %s: %s, not EADDRINUSE", path, strerror(code));
  TT_CHECK(c, strstr(err, path) != NULL, "the reason '%s' does not name the path", err);
  TT_CHECK(c, inode_of(path) == inode, "the refused open touched %s", path);
  *truncated += round_trip(c, &reader, 8, 40);
  tm_reader_close(&reader);
  TT_CHECK(c, !exists(path), "%s is still there after close", path);
}

static void stale_and_replaced(tt_case *c, const char *dir, tt_buffers *b, size_t *truncated) {
  char path[256], err[256];
  snprintf(path, sizeof path, "%s/stale.sock", dir);
  make_stale(c, path);
  TT_CHECK(c, exists(path), "the stale socket %s was not made", path);
  tm_open_options options = {.family = AF_UNIX, .path = path, .mode = 0600};
  tm_reader reader;
  int code = tt_open(&reader, &options, b, err, sizeof err);
  if (code != 0) {
    tt_fail(c, "a stale socket file was not replaced: %s", err);
    return;
  }
  *truncated += round_trip(c, &reader, 9, 40);
  /* Someone else takes the path while this reader runs: close must leave their file alone. */
  TT_CHECK(c, unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
  make_stale(c, path);
  tm_reader_close(&reader);
  TT_CHECK(c, exists(path), "close removed a socket file this reader did not make");
  unlink(path);
}

static void refusals(tt_case *c, const char *dir, tt_buffers *b) {
  char path[256], err[256];
  tm_reader reader;
  snprintf(path, sizeof path, "%s/regular", dir);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  TT_CHECK(c, fd >= 0 && write(fd, "keep", 4) == 4, "cannot write %s", path);
  if (fd >= 0) close(fd);
  tm_open_options options = {.family = AF_UNIX, .path = path, .mode = 0600};
  int code = tt_open(&reader, &options, b, err, sizeof err);
  struct stat st;
  TT_CHECK(c, code == EEXIST, "a regular file at the path: %s, not EEXIST (%s)", strerror(code), err);
  TT_CHECK(c, lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4, "the regular file was changed");
  unlink(path);

  /* sun_path holds 108 bytes with its terminating NUL: 107 is the longest path, 108 is refused. */
  char longest[160];
  int prefix = snprintf(longest, sizeof longest, "%s/", dir);
  for (int length = 107; length <= 109; length++) {
    memset(longest + prefix, 'p', (size_t)(length - prefix));
    longest[length] = '\0';
    options.path = longest;
    code = tt_open(&reader, &options, b, err, sizeof err);
    if (length == 107) {
      TT_CHECK(c, code == 0, "a 107-byte path: %s (%s)", strerror(code), err);
      if (code == 0) tm_reader_close(&reader);
    } else {
      TT_CHECK(c, code != 0 && err[0] != '\0', "a %d-byte path was accepted", length);
    }
    TT_CHECK(c, !exists(longest), "a %d-byte path left a file behind", length);
  }
  options.path = "";
  code = tt_open(&reader, &options, b, err, sizeof err);
  TT_CHECK(c, code != 0, "an empty path was accepted");
}

int tt_case_unix(void) {
  tt_case c = {.name = "unix-socket"};
  /* Under TMPDIR when set, so the runner's temp dir holds (and removes) whatever a failure leaves. */
  const char *tmp = getenv("TMPDIR");
  char dir[64];
  char detail[128] = "";
  size_t truncated = 0;
  int fits = snprintf(dir, sizeof dir, "%s/tm-recv-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp") < (int)sizeof dir;
  if (!fits || mkdtemp(dir) == NULL) {
    tt_fail(&c, "mkdtemp %s: %s", dir, fits ? strerror(errno) : "TMPDIR is too long for a unix socket path");
    return tt_report(&c, detail);
  }
  tt_buffers b;
  tt_buffers_init(&b, 8, SLOT);
  mode_and_traffic(&c, dir, &b, &truncated);
  stale_and_replaced(&c, dir, &b, &truncated);
  refusals(&c, dir, &b);
  TT_CHECK(&c, truncated > 0, "no unix datagram larger than the slot came back TM_TRUNCATED");
  TT_CHECK(&c, rmdir(dir) == 0, "the temp dir is not empty at the end: %s", strerror(errno));
  snprintf(detail, sizeof detail, "%zu truncated", truncated);
  tt_buffers_free(&b);
  return tt_report(&c, detail);
}
