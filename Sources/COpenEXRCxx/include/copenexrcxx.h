// C face over OpenEXR's C++ library, for what the 3.1 Core C API lacks: DWAA/DWAB, and a second,
// independent decoder for `scenefarm inspect` to hold our Core reader to.
// Every function catches all C++ exceptions and returns non-zero with the message in `err`.
#ifndef SCENEFARM_COPENEXRCXX_H
#define SCENEFARM_COPENEXRCXX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes the single-part scanline EXR file held in `size` bytes at `data` as `dst` with
/// `compression` (OpenEXR's enum values: 0 none … 8 DWAA, 9 DWAB) and, for DWA, `dwa_level`;
/// every header attribute is kept.
int sf_exr_transcode_memory(const void *data, size_t size, const char *dst, int compression, float dwa_level, char *err, size_t errlen);

/// Reads the R, G, B and A channels of the single-part scanline EXR `path` as Float32 into `rgba`:
/// `width` × `height` interleaved RGBA pixels, the data window's top-left first; channels the file
/// lacks read as 0, alpha as 1. Fails when the file's data window is not `width` × `height`.
int sf_exr_read_rgba(const char *path, float *rgba, size_t width, size_t height, char *err, size_t errlen);

/// Sets the C++ library's worker thread count (chunk compression in parallel).
void sf_exr_set_thread_count(int threads);

#ifdef __cplusplus
}
#endif

#endif
