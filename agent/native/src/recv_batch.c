/*
 * recvmmsg over one non-blocking datagram socket; see recv_batch.h for why it is plain C.
 */
#define _GNU_SOURCE
#include "recv_batch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

/* Room for the one control message asked for: the SO_RXQ_OVFL drop counter. */
#define CONTROL_BYTES CMSG_SPACE(sizeof(uint32_t))

static int fail(int code, char *err, size_t err_len, const char *what, const char *detail) {
  snprintf(err, err_len, "%s%s%s: %s", what, detail[0] ? " " : "", detail, strerror(code));
  return code;
}

/* A unix socket file left by an agent that is gone is replaced; one that answers is not ours to take. */
static int clear_stale_unix_path(const char *path, char *err, size_t err_len) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : fail(errno, err, err_len, "cannot read", path);
  if (!S_ISSOCK(st.st_mode)) {
    snprintf(err, err_len, "%s exists and is not a socket: remove it or choose another path", path);
    return EEXIST;
  }
  int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return fail(errno, err, err_len, "socket", "");
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  int live = connect(probe, (struct sockaddr *)&addr, sizeof addr) == 0;
  int code = errno;
  close(probe);
  if (live) {
    snprintf(err, err_len, "another process listens on %s: stop it or choose another path", path);
    return EADDRINUSE;
  }
  if (code != ECONNREFUSED) return fail(code, err, err_len, "cannot probe", path);
  if (unlink(path) != 0 && errno != ENOENT) return fail(errno, err, err_len, "cannot remove stale", path);
  return 0;
}

static int bind_unix(tm_reader *reader, const tm_open_options *options, char *err, size_t err_len) {
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t length = strlen(options->path);
  if (length == 0 || length >= sizeof addr.sun_path) {
    snprintf(err, err_len, "unix socket path must be 1 to %zu bytes long", sizeof addr.sun_path - 1);
    return ENAMETOOLONG;
  }
  memcpy(addr.sun_path, options->path, length);
  int code = clear_stale_unix_path(options->path, err, err_len);
  if (code != 0) return code;
  /* Kept before bind, so that a failure after it still removes the file close() knows of. */
  char *path = strdup(options->path);
  if (path == NULL) return fail(ENOMEM, err, err_len, "allocate", "");
  if (bind(reader->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    free(path);
    return fail(errno, err, err_len, "cannot bind", options->path);
  }
  reader->unix_path = path;
  struct stat st;
  if (stat(options->path, &st) != 0) return fail(errno, err, err_len, "stat", options->path);
  reader->unix_inode = st.st_ino;
  if (chmod(options->path, options->mode) != 0) return fail(errno, err, err_len, "cannot chmod", options->path);
  return 0;
}

static int bind_inet(tm_reader *reader, const tm_open_options *options, char *err, size_t err_len) {
  int on = 1;
  if (options->reuse_port && setsockopt(reader->fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
    return fail(errno, err, err_len, "setsockopt", "SO_REUSEPORT");
  struct sockaddr_storage storage;
  memset(&storage, 0, sizeof storage);
  socklen_t size;
  int parsed;
  if (options->family == AF_INET6) {
    struct sockaddr_in6 *addr = (struct sockaddr_in6 *)&storage;
    addr->sin6_family = AF_INET6;
    addr->sin6_port = htons((uint16_t)options->port);
    parsed = inet_pton(AF_INET6, options->host, &addr->sin6_addr);
    size = sizeof *addr;
  } else {
    struct sockaddr_in *addr = (struct sockaddr_in *)&storage;
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)options->port);
    parsed = inet_pton(AF_INET, options->host, &addr->sin_addr);
    size = sizeof *addr;
  }
  if (parsed != 1) {
    snprintf(err, err_len, "%s is not a numeric IP address", options->host);
    return EINVAL;
  }
  if (bind(reader->fd, (struct sockaddr *)&storage, size) != 0) {
    char where[80];
    snprintf(where, sizeof where, "%s:%d", options->host, options->port);
    return fail(errno, err, err_len, "cannot bind", where);
  }
  return 0;
}

static int setup(tm_reader *reader, const tm_open_options *options, char *err, size_t err_len) {
  reader->msgs = calloc(reader->batch, sizeof *reader->msgs);
  reader->iovs = calloc(reader->batch, sizeof *reader->iovs);
  reader->controls = calloc(reader->batch, CONTROL_BYTES);
  if (reader->msgs == NULL || reader->iovs == NULL || reader->controls == NULL)
    return fail(ENOMEM, err, err_len, "allocate", "");
  reader->fd = socket(options->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (reader->fd < 0) return fail(errno, err, err_len, "socket", "");
  int on = 1;
  /* Every batch then carries the kernel's exact drop count for this socket: no /proc read. */
  if (setsockopt(reader->fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on) != 0)
    return fail(errno, err, err_len, "setsockopt", "SO_RXQ_OVFL");
  if (options->recv_buffer_bytes > 0) {
    int bytes = options->recv_buffer_bytes;
    if (setsockopt(reader->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0)
      return fail(errno, err, err_len, "setsockopt", "SO_RCVBUF");
  }
  return options->family == AF_UNIX ? bind_unix(reader, options, err, err_len) : bind_inet(reader, options, err, err_len);
}

int tm_reader_open(tm_reader *reader, const tm_open_options *options, uint8_t *buffer, int32_t *lengths,
                   unsigned batch, unsigned slot_bytes, char *err, size_t err_len) {
  memset(reader, 0, sizeof *reader);
  reader->fd = -1;
  reader->family = options->family;
  reader->batch = batch;
  reader->slot_bytes = slot_bytes;
  reader->buffer = buffer;
  reader->lengths = lengths;
  err[0] = '\0';
  int code = setup(reader, options, err, err_len);
  if (code != 0) tm_reader_close(reader);
  return code;
}

static void keep_newest_drops(tm_reader *reader, uint32_t drops) {
  /* The counter only grows (and wraps at 2^32): keep the newest, which is the largest mod 2^32. */
  if ((int32_t)(drops - reader->kernel_drops) > 0) reader->kernel_drops = drops;
}

/*
 * A datagram carries the drop count of the moment it was queued, so drops after the last queued
 * datagram (the end of a burst that filled the queue) reach no datagram: read the socket's own
 * count once the queue is found empty, and whenever the count is asked for.
 */
void tm_reader_refresh_drops(tm_reader *reader) {
  uint32_t meminfo[SK_MEMINFO_VARS];
  socklen_t size = sizeof meminfo;
  if (getsockopt(reader->fd, SOL_SOCKET, SO_MEMINFO, meminfo, &size) != 0 ||
      size <= SK_MEMINFO_DROPS * sizeof(uint32_t))
    return;
  keep_newest_drops(reader, meminfo[SK_MEMINFO_DROPS]);
}

int tm_reader_recv(tm_reader *reader) {
  unsigned batch = reader->batch;
  for (unsigned i = 0; i < batch; i++) {
    reader->iovs[i].iov_base = reader->buffer + (size_t)i * reader->slot_bytes;
    reader->iovs[i].iov_len = reader->slot_bytes;
    struct msghdr *header = &reader->msgs[i].msg_hdr;
    memset(header, 0, sizeof *header);
    header->msg_iov = &reader->iovs[i];
    header->msg_iovlen = 1;
    header->msg_control = reader->controls + (size_t)i * CONTROL_BYTES;
    header->msg_controllen = CONTROL_BYTES;
  }
  int count;
  do count = recvmmsg(reader->fd, reader->msgs, batch, MSG_DONTWAIT, NULL);
  while (count < 0 && errno == EINTR);
  if (count < 0) {
    int code = errno;
    if (code != EAGAIN && code != EWOULDBLOCK) return -code;
    tm_reader_refresh_drops(reader);
    return 0;
  }
  for (int i = 0; i < count; i++) {
    struct msghdr *header = &reader->msgs[i].msg_hdr;
    unsigned length = reader->msgs[i].msg_len;
    reader->lengths[i] = (header->msg_flags & MSG_TRUNC) || length > reader->slot_bytes ? TM_TRUNCATED : (int32_t)length;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c != NULL; c = CMSG_NXTHDR(header, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL || c->cmsg_len < CMSG_LEN(sizeof(uint32_t)))
        continue;
      uint32_t drops;
      memcpy(&drops, CMSG_DATA(c), sizeof drops);
      keep_newest_drops(reader, drops);
    }
  }
  return count;
}

int tm_reader_address(const tm_reader *reader, char *address, size_t address_len) {
  struct sockaddr_storage storage;
  socklen_t size = sizeof storage;
  address[0] = '\0';
  if (reader->family == AF_UNIX) {
    snprintf(address, address_len, "%s", reader->unix_path == NULL ? "" : reader->unix_path);
    return 0;
  }
  if (getsockname(reader->fd, (struct sockaddr *)&storage, &size) != 0) return -1;
  if (storage.ss_family == AF_INET6) {
    struct sockaddr_in6 *addr = (struct sockaddr_in6 *)&storage;
    inet_ntop(AF_INET6, &addr->sin6_addr, address, (socklen_t)address_len);
    return ntohs(addr->sin6_port);
  }
  struct sockaddr_in *addr = (struct sockaddr_in *)&storage;
  inet_ntop(AF_INET, &addr->sin_addr, address, (socklen_t)address_len);
  return ntohs(addr->sin_port);
}

int tm_reader_recv_buffer_bytes(const tm_reader *reader) {
  int bytes = 0;
  socklen_t size = sizeof bytes;
  return getsockopt(reader->fd, SOL_SOCKET, SO_RCVBUF, &bytes, &size) == 0 ? bytes : 0;
}

void tm_reader_close(tm_reader *reader) {
  if (reader->fd >= 0) close(reader->fd);
  reader->fd = -1;
  if (reader->unix_path != NULL) {
    struct stat st;
    /* Another agent may have replaced the file since: remove only the one this socket made. */
    if (reader->unix_inode != 0 && stat(reader->unix_path, &st) == 0 && st.st_ino == reader->unix_inode)
      unlink(reader->unix_path);
    free(reader->unix_path);
    reader->unix_path = NULL;
  }
  free(reader->msgs);
  free(reader->iovs);
  free(reader->controls);
  reader->msgs = NULL;
  reader->iovs = NULL;
  reader->controls = NULL;
}
