// C face over OpenEXR's C++ library, for the one thing the 3.1 Core C API lacks: DWAA/DWAB.
// Every function catches all C++ exceptions and returns non-zero with the message in `err`.
#ifndef SCENEFARM_COPENEXRCXX_H
#define SCENEFARM_COPENEXRCXX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rewrites the single-part scanline EXR `src` as `dst` with `compression` (OpenEXR's enum
/// values: 0 none … 8 DWAA, 9 DWAB) and, for DWA, `dwa_level`; every header attribute is kept.
int sf_exr_transcode(const char *src, const char *dst, int compression, float dwa_level, char *err, size_t errlen);

/// Like sf_exr_transcode, reading the source file from `size` bytes in memory.
int sf_exr_transcode_memory(const void *data, size_t size, const char *dst, int compression, float dwa_level, char *err, size_t errlen);

/// Sets the C++ library's worker thread count (chunk compression in parallel).
void sf_exr_set_thread_count(int threads);

#ifdef __cplusplus
}
#endif

#endif
