// The address argument that the bench sender and the bare receiver share: <port> is
// 127.0.0.1:<port> (loopback only), unix:<path> a unix datagram socket. Included by both, each of
// which is one `cc -O2` of one .c file at bench time. The sender is rebuilt when its .c is newer
// than its binary (bench/ingest-load.mjs), the receiver when either file is (bench/peers/bare.mjs):
// after an edit here, touch udp-mmsg-sender.c.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

// Fills `out` and `length`; returns AF_INET or AF_UNIX, or -1 for a bad argument. Port 0 (an
// ephemeral port) only where `allow_port_zero`, i.e. for bind.
static int socket_address(const char *arg, int allow_port_zero, struct sockaddr_storage *out, socklen_t *length) {
  memset(out, 0, sizeof *out);
  if (strncmp(arg, "unix:", 5) == 0) {
    struct sockaddr_un *to_unix = (struct sockaddr_un *)out;
    const char *path = arg + 5;
    if (path[0] == 0 || strlen(path) >= sizeof to_unix->sun_path) return -1;
    to_unix->sun_family = AF_UNIX;
    strcpy(to_unix->sun_path, path);
    *length = sizeof *to_unix;
    return AF_UNIX;
  }
  char *end;
  long port = strtol(arg, &end, 10);
  if (arg[0] == 0 || *end != 0 || port < (allow_port_zero ? 0 : 1) || port > 65535) return -1;
  struct sockaddr_in *to = (struct sockaddr_in *)out;
  to->sin_family = AF_INET;
  to->sin_port = htons((uint16_t)port);
  to->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  *length = sizeof *to;
  return AF_INET;
}
