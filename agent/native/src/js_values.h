/* The addon's small helpers over N-API values: see js_values.c. */
#ifndef TASKMETER_JS_VALUES_H
#define TASKMETER_JS_VALUES_H

#include <node_api.h>
#include <stddef.h>

/* Throws an Error with `message` and a `code` property (EADDRINUSE, EACCES, EADDRNOTAVAIL, ENATIVE). */
void tm_throw_code(napi_env env, int code, const char *message);

/* options[key] as UTF-8 into `out` ("" when absent); 1 when it was a string. */
int tm_string_option(napi_env env, napi_value options, const char *key, char *out, size_t out_len);

/* options[key] as an int32, or `fallback`. */
int tm_int_option(napi_env env, napi_value options, const char *key, int fallback);

#endif
