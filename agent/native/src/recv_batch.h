/*
 * The socket side of the native reader, in plain C with no Node in it, so that the C-level test
 * (agent/native/test/recv_batch_test.c, run under valgrind) exercises exactly the code the agent runs.
 *
 * One non-blocking datagram socket (UDP over IPv4/IPv6, or a unix datagram socket) drained with
 * recvmmsg: up to `batch` datagrams per system call, each into its own fixed slot of one buffer
 * the caller owns, so a batch costs one syscall and no allocation.
 */
#ifndef TASKMETER_RECV_BATCH_H
#define TASKMETER_RECV_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* A datagram longer than its slot: the kernel cut it, so it is reported as this length. */
#define TM_TRUNCATED (-1)

typedef struct tm_reader {
  int fd;
  int family;
  /* Datagrams per recvmmsg, and bytes per datagram slot in `buffer`. */
  unsigned batch;
  unsigned slot_bytes;
  /* batch * slot_bytes bytes, owned by the caller; datagram i lands at i * slot_bytes. */
  uint8_t *buffer;
  /* batch entries, owned by the caller: each datagram's length, or TM_TRUNCATED. */
  int32_t *lengths;
  struct mmsghdr *msgs;
  struct iovec *iovs;
  uint8_t *controls;
  /* The kernel's count of datagrams it dropped on this socket (SO_RXQ_OVFL), as last reported. */
  uint32_t kernel_drops;
  /* The unix socket's path and inode, so close() removes only the file it made. */
  char *unix_path;
  ino_t unix_inode;
} tm_reader;

typedef struct tm_open_options {
  /* AF_INET, AF_INET6 or AF_UNIX. */
  int family;
  const char *host; /* numeric address, for AF_INET / AF_INET6 */
  int port;
  const char *path; /* for AF_UNIX */
  unsigned mode;    /* file mode of the unix socket, e.g. 0660 */
  int reuse_port;   /* SO_REUSEPORT: several sockets (one per worker) share the port */
  int recv_buffer_bytes; /* SO_RCVBUF; 0 keeps the kernel's default */
} tm_open_options;

/*
 * Sets up `reader` over the caller's buffers, opens and binds the socket. Returns 0, or an errno
 * value with a one-line reason in `err` (the socket is then closed and nothing is left to free).
 */
int tm_reader_open(tm_reader *reader, const tm_open_options *options, uint8_t *buffer, int32_t *lengths,
                   unsigned batch, unsigned slot_bytes, char *err, size_t err_len);

/* Reads one batch without blocking: the count of datagrams read (0 when none is queued), or -errno. */
int tm_reader_recv(tm_reader *reader);

/*
 * Brings kernel_drops up to the socket's own count (SO_MEMINFO): drops after the last queued
 * datagram reach no datagram's SO_RXQ_OVFL. tm_reader_recv does it when it finds the queue empty.
 */
void tm_reader_refresh_drops(tm_reader *reader);

/* The bound address: the port (0 for a unix socket) and the address as text into `address`. */
int tm_reader_address(const tm_reader *reader, char *address, size_t address_len);

/* SO_RCVBUF as the kernel reports it (Linux doubles the value asked for). */
int tm_reader_recv_buffer_bytes(const tm_reader *reader);

/* Closes the socket, removes the unix socket file it made, and frees what open allocated. */
void tm_reader_close(tm_reader *reader);

#endif
