// libFuzzer's driver, linked in by `-sanitize=fuzzer` (compiler-rt's libclang_rt.fuzzer).
// SwiftPM links every executable with `main` aliased to `<Module>_main`, so libFuzzer's own
// main cannot be used; each fuzz target's @main calls the driver instead.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
