{
  "targets": [
    {
      "target_name": "taskmeter_native",
      "sources": ["src/addon.c", "src/js_values.c", "src/recv_batch.c", "src/steady_pause.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
