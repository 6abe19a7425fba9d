/* The C tests of libphlo, run against the simulator by tests/suites/c.sh (under valgrind).
 *
 * Prints one PASSED/FAILED line per check and ends with exactly "N passed, M failed"; exits
 * non-zero when any check failed. */
#include <stdio.h>

#include "check.h"

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  test_info();
  test_operations();
  test_errors();
  test_misuse();
  test_threads();
  test_process();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 && g_passed > 0 ? 0 : 1;
}
