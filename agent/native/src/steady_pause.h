/*
 * The native reader's pause under a steady stream of small datagrams: see steady_pause.c.
 */
#ifndef TASKMETER_STEADY_PAUSE_H
#define TASKMETER_STEADY_PAUSE_H

#include <stdint.h>
#include <uv.h>

typedef struct tm_pause {
  /* A timerfd watched by the loop: the end of a pause (fd -1 when this socket never pauses). */
  uv_poll_t poll;
  int fd;
  uint64_t last_wakeup_ns;
  /* Called when a pause ends, to watch the socket again. */
  void (*resume)(void *owner);
  void *owner;
} tm_pause;

/*
 * Sets the pause up for a socket (`unix_socket`: never; UDP: when `recv_buffer_bytes` holds one).
 * Returns 1 when it holds a uv handle that tm_pause_close must close, else 0.
 */
int tm_pause_init(tm_pause *pause, uv_loop_t *loop, int unix_socket, int recv_buffer_bytes, void *owner,
                  void (*resume)(void *owner));

/*
 * After a wakeup that read `read_count` datagrams with batches of `batch`: 1 when the reader
 * should stop watching its socket now, the timer armed to call resume(owner) when it ends.
 */
int tm_pause_after_wakeup(tm_pause *pause, long read_count, unsigned batch);

/* Stops the timer and closes it; `after_close` is called for the uv handle as uv_close does. */
void tm_pause_close(tm_pause *pause, uv_close_cb after_close);

#endif
