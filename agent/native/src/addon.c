/*
 * N-API glue for recv_batch.c: the socket is watched by Node's own event loop (uv_poll), and each
 * time it is readable the queue is drained in batches, one JS call per batch. The datagrams land
 * in a Uint8Array and their lengths in an Int32Array that JS allocated and reuses, so a batch
 * costs no Buffer, no string and no allocation on either side.
 *
 * The pause under a steady stream is steady_pause.c. JS side: agent/src/ingest/native-addon.ts.
 */
#include <errno.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

#include "js_values.h"
#include "recv_batch.h"
#include "steady_pause.h"

/* Batches read per readable wakeup before yielding to the rest of the loop (HTTP, timers). */
#define BATCHES_PER_WAKEUP 16
typedef struct reader_handle {
  tm_reader reader;
  uv_poll_t poll;
  /* After a wakeup that found few datagrams in a steady stream, a short pause (steady_pause.c). */
  tm_pause pause;
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

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  reader_handle *handle = poll->data;
  if (status < 0 || handle->closed) return;
  long read_count = drain_batches(handle, BATCHES_PER_WAKEUP);
  if (!handle->closed && tm_pause_after_wakeup(&handle->pause, read_count, handle->reader.batch)) {
    uv_poll_stop(&handle->poll);
    handle->polling = 0;
  }
}

static void resume_reading(void *owner) {
  reader_handle *handle = owner;
  if (!handle->closed && uv_poll_start(&handle->poll, UV_READABLE, on_readable) == 0) handle->polling = 1;
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
  int family_number = tm_int_option(env, argv[0], "family", 4);
  tm_string_option(env, argv[0], "host", host, sizeof host);
  tm_string_option(env, argv[0], "path", path, sizeof path);
  tm_open_options options = {
      .family = family_number == 0 ? AF_UNIX : family_number == 6 ? AF_INET6 : AF_INET,
      .host = host,
      .port = tm_int_option(env, argv[0], "port", 0),
      .path = path,
      .mode = (unsigned)tm_int_option(env, argv[0], "mode", 0660),
      .reuse_port = tm_int_option(env, argv[0], "reusePort", 0),
      .recv_buffer_bytes = tm_int_option(env, argv[0], "recvBufferBytes", 0),
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
    tm_throw_code(env, code, err);
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
  int unix_socket = options.family == AF_UNIX;
  int recv_buffer = tm_reader_recv_buffer_bytes(&handle->reader);
  handle->open_uv_handles += tm_pause_init(&handle->pause, loop, unix_socket, recv_buffer, handle, resume_reading);
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

static void release(reader_handle *handle) {
  if (--handle->open_uv_handles == 0 && handle->finalized) free(handle);
}

static void after_close(uv_handle_t *poll) {
  release(poll->data);
}

static void after_pause_close(uv_handle_t *poll) {
  release(((tm_pause *)poll->data)->owner);
}

static void stop_and_close(napi_env env, reader_handle *handle) {
  handle->closed = 1;
  if (handle->polling) uv_poll_stop(&handle->poll);
  tm_pause_close(&handle->pause, after_pause_close);
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
