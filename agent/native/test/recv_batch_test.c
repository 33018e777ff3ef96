/*
 * The C-level test of recv_batch.c, meant to run under valgrind (test/native-reader-valgrind.test.ts
 * compiles and runs it): every case prints one PASS or FAIL line, and the exit status is 1 when any
 * case failed.
 *
 * usage: recv_batch_test [SEED [DATAGRAMS [CORPUS_DIR]]]   (defaults 1, 20000, agent/native/test/corpus)
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_support.h"

int main(int argc, char **argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
  uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 0) : 20000;
  const char *corpus = argc > 3 ? argv[3] : "agent/native/test/corpus";
  int failed = 0;
  failed += tt_case_fuzz(AF_INET, seed, count, 64);
  failed += tt_case_fuzz(AF_INET6, seed + 1, count, 8);
  failed += tt_case_corpus(corpus);
  failed += tt_case_kernel_drops();
  failed += tt_case_unix();
  failed += tt_case_open_errors();
  printf("%s: %d case(s) failed, seed %llu, %llu datagrams per fuzz case\n", failed ? "FAIL" : "PASS", failed,
         (unsigned long long)seed, (unsigned long long)count);
  return failed ? 1 : 0;
}
