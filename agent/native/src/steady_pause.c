/*
 * Under a steady stream of small datagrams (wakeups closer than BUSY_GAP_NS) each wakeup finds one
 * or two datagrams, and the epoll wakeup, the recvmmsg and the JS call cost more than decoding
 * them. After such a wakeup the reader stops watching for PAUSE_NS, so the next one finds a batch.
 * 250 us at 300 k datagrams/s is ~75 datagrams queued, ~100 KB of the receive buffer; an idle or
 * slow stream is never paused. Only a UDP socket whose receive buffer holds such a pause at over a
 * million datagrams/s pauses: a unix datagram socket's queue is counted in datagrams
 * (net.unix.max_dgram_qlen, 10 by default), so a pause there would only make the senders wait.
 * libuv's timers count milliseconds, hence a timerfd on the loop.
 */
#include "steady_pause.h"

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define BUSY_GAP_NS 100000
#define PAUSE_NS 250000
#define PAUSE_MIN_RECV_BUFFER (512 * 1024)

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void on_pause_end(uv_poll_t *poll, int status, int events) {
  (void)status;
  (void)events;
  tm_pause *pause = poll->data;
  uint64_t expirations;
  if (read(pause->fd, &expirations, sizeof expirations) < 0) { /* already read: nothing to do */ }
  uv_poll_stop(&pause->poll);
  pause->resume(pause->owner);
}

int tm_pause_init(tm_pause *pause, uv_loop_t *loop, int unix_socket, int recv_buffer_bytes, void *owner,
                  void (*resume)(void *owner)) {
  pause->owner = owner;
  pause->resume = resume;
  pause->last_wakeup_ns = 0;
  pause->fd = -1;
  if (unix_socket || recv_buffer_bytes < PAUSE_MIN_RECV_BUFFER) return 0;
  pause->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (pause->fd < 0) return 0;
  if (uv_poll_init(loop, &pause->poll, pause->fd) != 0) {
    close(pause->fd);
    pause->fd = -1;
    return 0;
  }
  pause->poll.data = pause;
  return 1;
}

int tm_pause_after_wakeup(tm_pause *pause, long read_count, unsigned batch) {
  uint64_t now = now_ns();
  int busy = now - pause->last_wakeup_ns < BUSY_GAP_NS;
  pause->last_wakeup_ns = now;
  if (!busy || read_count >= (long)batch || pause->fd < 0) return 0;
  struct itimerspec spec = {.it_interval = {0, 0}, .it_value = {0, PAUSE_NS}};
  if (timerfd_settime(pause->fd, 0, &spec, NULL) != 0) return 0;
  return uv_poll_start(&pause->poll, UV_READABLE, on_pause_end) == 0;
}

void tm_pause_close(tm_pause *pause, uv_close_cb after_close) {
  if (pause->fd < 0) return;
  uv_poll_stop(&pause->poll);
  close(pause->fd);
  pause->fd = -1;
  uv_close((uv_handle_t *)&pause->poll, after_close);
}
