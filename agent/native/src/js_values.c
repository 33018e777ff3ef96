/*
 * Reading the options object open() is given, and throwing an Error that carries the system's
 * code, for addon.c.
 */
#include "js_values.h"

#include <errno.h>

void tm_throw_code(napi_env env, int code, const char *message) {
  napi_value error, text, code_value;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &error);
  const char *name = code == EADDRINUSE ? "EADDRINUSE" : code == EACCES ? "EACCES" : code == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "ENATIVE";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code_value);
  napi_set_named_property(env, error, "code", code_value);
  napi_throw(env, error);
}

int tm_string_option(napi_env env, napi_value options, const char *key, char *out, size_t out_len) {
  napi_value value;
  size_t length = 0;
  out[0] = '\0';
  if (napi_get_named_property(env, options, key, &value) != napi_ok) return 0;
  return napi_get_value_string_utf8(env, value, out, out_len, &length) == napi_ok;
}

int tm_int_option(napi_env env, napi_value options, const char *key, int fallback) {
  napi_value value;
  int32_t result = fallback;
  if (napi_get_named_property(env, options, key, &value) != napi_ok) return fallback;
  return napi_get_value_int32(env, value, &result) == napi_ok ? result : fallback;
}
