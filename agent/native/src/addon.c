/*
 * N-API glue for recv_batch.c: the socket is watched by Node's own event loop (uv_poll), and each
 * time it is readable the queue is drained in batches, one JS call per batch. The datagrams land
 * in a Uint8Array and their lengths in an Int32Array that JS allocated and reuses, so a batch
 * costs no Buffer, no string and no allocation on either side.
 *
 * JS side: agent/src/ingest/native-addon.ts.
 */
#include <errno.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "recv_batch.h"

/* Batches read per readable wakeup before yielding to the rest of the loop (HTTP, timers). */
#define BATCHES_PER_WAKEUP 16
/*
 * Under a steady stream of small datagrams (wakeups closer than BUSY_GAP_NS) each wakeup finds one
 * or two datagrams, and the epoll wakeup, the recvmmsg and the JS call cost more than decoding
 * them. After such a wakeup the reader stops watching for COALESCE_NS, so the next one finds a
 * batch. 250 us at 300 k datagrams/s is ~75 datagrams queued, ~100 KB of the receive buffer; an
 * idle or slow stream is never paused. Only a UDP socket whose receive buffer holds such a pause at
 * over a million datagrams/s pauses: a unix datagram socket's queue is counted in datagrams
 * (net.unix.max_dgram_qlen, 10 by default), so a pause there would only make the senders wait.
 */
#define BUSY_GAP_NS 100000
#define COALESCE_NS 250000
#define PAUSE_MIN_RECV_BUFFER (512 * 1024)

typedef struct reader_handle {
  tm_reader reader;
  uv_poll_t poll;
  /* A timerfd watched by the loop: the end of a coalescing pause (-1 when none could be made). */
  uv_poll_t pause_poll;
  int pause_fd;
  uint64_t last_wakeup_ns;
  napi_env env;
  napi_ref buffer_ref;
  napi_ref lengths_ref;
  napi_ref on_batch_ref;
  napi_async_context async_context;
  int polling;
  /* close() was called (JS may no longer use it), uv_close finished, the JS external was collected. */
  int closed;
  int open_uv_handles;
  int finalized;
} reader_handle;

#define CHECK(env, call)                                                  \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error((env), NULL, "taskmeter native reader: " #call);   \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

static void finalize(napi_env env, void *data, void *hint);

static void throw_code(napi_env env, int code, const char *message) {
  napi_value error, text, code_value;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &error);
  const char *name = code == EADDRINUSE ? "EADDRINUSE" : code == EACCES ? "EACCES" : code == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "ENATIVE";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code_value);
  napi_set_named_property(env, error, "code", code_value);
  napi_throw(env, error);
}

static reader_handle *handle_of(napi_env env, napi_value value) {
  reader_handle *handle = NULL;
  if (napi_get_value_external(env, value, (void **)&handle) != napi_ok || handle == NULL || handle->closed) {
    napi_throw_error(env, NULL, "taskmeter native reader: closed or not a reader");
    return NULL;
  }
  return handle;
}

/* The reader a one-argument method was called on (NULL with a JS exception pending). */
static reader_handle *reader_argument(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "taskmeter native reader: a reader argument is needed");
    return NULL;
  }
  return handle_of(env, argv[0]);
}

/* Calls onBatch(count) for every batch the queue holds, up to `limit` batches; returns datagrams read. */
static long drain_batches(reader_handle *handle, int limit) {
  napi_env env = handle->env;
  long total = 0;
  for (int i = 0; i < limit && !handle->closed; i++) {
    int count = tm_reader_recv(&handle->reader);
    if (count <= 0) break;
    total += count;
    /* A short batch emptied the queue as of that call: asking again would be one more syscall
       per wakeup for an EAGAIN (the poll is level-triggered, so later datagrams wake us again). */
    int drained = count < (int)handle->reader.batch;
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    napi_value on_batch, argument, receiver, result;
    napi_get_reference_value(env, handle->on_batch_ref, &on_batch);
    napi_get_global(env, &receiver);
    napi_create_int32(env, count, &argument);
    napi_status status = napi_make_callback(env, handle->async_context, receiver, on_batch, 1, &argument, &result);
    if (status == napi_pending_exception) {
      /* What a throwing 'message' listener on a dgram socket does: the process's uncaughtException. */
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
      napi_close_handle_scope(env, scope);
      break;
    }
    napi_close_handle_scope(env, scope);
    if (drained) break;
  }
  return total;
}

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void on_readable(uv_poll_t *poll, int status, int events);

static void on_pause_end(uv_poll_t *poll, int status, int events) {
  (void)status;
  (void)events;
  reader_handle *handle = poll->data;
  uint64_t expirations;
  if (read(handle->pause_fd, &expirations, sizeof expirations) < 0) { /* already read: nothing to do */ }
  uv_poll_stop(&handle->pause_poll);
  if (!handle->closed && uv_poll_start(&handle->poll, UV_READABLE, on_readable) == 0) handle->polling = 1;
}

static void pause_reading(reader_handle *handle) {
  struct itimerspec spec = {.it_interval = {0, 0}, .it_value = {0, COALESCE_NS}};
  if (timerfd_settime(handle->pause_fd, 0, &spec, NULL) != 0) return;
  if (uv_poll_start(&handle->pause_poll, UV_READABLE, on_pause_end) != 0) return;
  uv_poll_stop(&handle->poll);
  handle->polling = 0;
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  reader_handle *handle = poll->data;
  if (status < 0 || handle->closed) return;
  uint64_t now = now_ns();
  int busy = now - handle->last_wakeup_ns < BUSY_GAP_NS;
  handle->last_wakeup_ns = now;
  long read_count = drain_batches(handle, BATCHES_PER_WAKEUP);
  if (busy && read_count < (long)handle->reader.batch && handle->pause_fd >= 0 && !handle->closed)
    pause_reading(handle);
}

static int string_option(napi_env env, napi_value options, const char *key, char *out, size_t out_len) {
  napi_value value;
  size_t length = 0;
  out[0] = '\0';
  if (napi_get_named_property(env, options, key, &value) != napi_ok) return 0;
  return napi_get_value_string_utf8(env, value, out, out_len, &length) == napi_ok;
}

static int int_option(napi_env env, napi_value options, const char *key, int fallback) {
  napi_value value;
  int32_t result = fallback;
  if (napi_get_named_property(env, options, key, &value) != napi_ok) return fallback;
  return napi_get_value_int32(env, value, &result) == napi_ok ? result : fallback;
}

/* open({ family: 4|6|0 (unix), host, port, path, mode, reusePort, recvBufferBytes }, buffer, lengths, onBatch) */
static napi_value reader_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, NULL, "open(options, buffer, lengths, onBatch)");
    return NULL;
  }
  char host[64], path[256];
  int family_number = int_option(env, argv[0], "family", 4);
  string_option(env, argv[0], "host", host, sizeof host);
  string_option(env, argv[0], "path", path, sizeof path);
  tm_open_options options = {
      .family = family_number == 0 ? AF_UNIX : family_number == 6 ? AF_INET6 : AF_INET,
      .host = host,
      .port = int_option(env, argv[0], "port", 0),
      .path = path,
      .mode = (unsigned)int_option(env, argv[0], "mode", 0660),
      .reuse_port = int_option(env, argv[0], "reusePort", 0),
      .recv_buffer_bytes = int_option(env, argv[0], "recvBufferBytes", 0),
  };
  void *buffer_data, *lengths_data;
  size_t buffer_bytes, lengths_count;
  napi_typedarray_type buffer_type, lengths_type;
  CHECK(env, napi_get_typedarray_info(env, argv[1], &buffer_type, &buffer_bytes, &buffer_data, NULL, NULL));
  CHECK(env, napi_get_typedarray_info(env, argv[2], &lengths_type, &lengths_count, &lengths_data, NULL, NULL));
  if (buffer_type != napi_uint8_array || lengths_type != napi_int32_array || lengths_count == 0 ||
      buffer_bytes % lengths_count != 0) {
    napi_throw_type_error(env, NULL, "buffer must be a Uint8Array of batch * slot bytes, lengths an Int32Array(batch)");
    return NULL;
  }
  reader_handle *handle = calloc(1, sizeof *handle);
  if (handle == NULL) {
    napi_throw_error(env, NULL, "taskmeter native reader: out of memory");
    return NULL;
  }
  char err[512];
  int code = tm_reader_open(&handle->reader, &options, buffer_data, lengths_data, (unsigned)lengths_count,
                            (unsigned)(buffer_bytes / lengths_count), err, sizeof err);
  if (code != 0) {
    free(handle);
    throw_code(env, code, err);
    return NULL;
  }
  handle->env = env;
  napi_value name, external;
  napi_create_reference(env, argv[1], 1, &handle->buffer_ref);
  napi_create_reference(env, argv[2], 1, &handle->lengths_ref);
  napi_create_reference(env, argv[3], 1, &handle->on_batch_ref);
  napi_create_string_utf8(env, "taskmeter.udp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &handle->async_context);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &handle->poll, handle->reader.fd);
  handle->poll.data = handle;
  handle->open_uv_handles = 1;
  int may_pause = options.family != AF_UNIX && tm_reader_recv_buffer_bytes(&handle->reader) >= PAUSE_MIN_RECV_BUFFER;
  handle->pause_fd = may_pause ? timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC) : -1;
  if (handle->pause_fd >= 0) {
    uv_poll_init(loop, &handle->pause_poll, handle->pause_fd);
    handle->pause_poll.data = handle;
    handle->open_uv_handles = 2;
  }
  CHECK(env, napi_create_external(env, handle, finalize, NULL, &external));
  return external;
}

static napi_value reader_start(napi_env env, napi_callback_info info) {
  reader_handle *handle = reader_argument(env, info);
  if (handle == NULL) return NULL;
  if (!handle->polling && uv_poll_start(&handle->poll, UV_READABLE, on_readable) == 0) handle->polling = 1;
  return NULL;
}

/* Reads everything queued now, synchronously (a graceful stop's drain); returns datagrams read. */
static napi_value reader_read_now(napi_env env, napi_callback_info info) {
  napi_value result;
  reader_handle *handle = reader_argument(env, info);
  if (handle == NULL) return NULL;
  CHECK(env, napi_create_double(env, (double)drain_batches(handle, 1 << 20), &result));
  return result;
}

/* [port, address, kernel drops, SO_RCVBUF bytes] */
static napi_value reader_info(napi_env env, napi_callback_info info) {
  napi_value result, port, address, drops, recv_buffer;
  reader_handle *handle = reader_argument(env, info);
  if (handle == NULL) return NULL;
  char text[256];
  tm_reader_refresh_drops(&handle->reader);
  int port_number = tm_reader_address(&handle->reader, text, sizeof text);
  CHECK(env, napi_create_array_with_length(env, 4, &result));
  napi_create_int32(env, port_number, &port);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &address);
  napi_create_double(env, (double)handle->reader.kernel_drops, &drops);
  napi_create_int32(env, tm_reader_recv_buffer_bytes(&handle->reader), &recv_buffer);
  napi_set_element(env, result, 0, port);
  napi_set_element(env, result, 1, address);
  napi_set_element(env, result, 2, drops);
  napi_set_element(env, result, 3, recv_buffer);
  return result;
}

static void after_close(uv_handle_t *poll) {
  reader_handle *handle = poll->data;
  if (--handle->open_uv_handles == 0 && handle->finalized) free(handle);
}

static void stop_and_close(napi_env env, reader_handle *handle) {
  handle->closed = 1;
  if (handle->polling) uv_poll_stop(&handle->poll);
  if (handle->pause_fd >= 0) {
    uv_poll_stop(&handle->pause_poll);
    close(handle->pause_fd);
    uv_close((uv_handle_t *)&handle->pause_poll, after_close);
  }
  /* Now, not in uv_close's callback: a process that exits right after close() still removes its socket file. */
  tm_reader_close(&handle->reader);
  napi_delete_reference(env, handle->buffer_ref);
  napi_delete_reference(env, handle->lengths_ref);
  napi_delete_reference(env, handle->on_batch_ref);
  napi_async_destroy(env, handle->async_context);
  uv_close((uv_handle_t *)&handle->poll, after_close);
}

/* The memory lives until both the JS external is gone and libuv has let go of the poll handle. */
static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  reader_handle *handle = data;
  handle->finalized = 1;
  if (!handle->closed) stop_and_close(env, handle);
  else if (handle->open_uv_handles == 0) free(handle);
}

/* Stops watching, closes the socket (removing a unix socket's file) and lets the buffers go. */
static napi_value reader_close(napi_env env, napi_callback_info info) {
  reader_handle *handle = reader_argument(env, info);
  if (handle == NULL) return NULL;
  stop_and_close(env, handle);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"open", NULL, reader_open, NULL, NULL, NULL, napi_default, NULL},
      {"start", NULL, reader_start, NULL, NULL, NULL, napi_default, NULL},
      {"readNow", NULL, reader_read_now, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, reader_info, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, reader_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
