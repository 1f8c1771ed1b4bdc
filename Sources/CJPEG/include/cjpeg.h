// C face over libjpeg(-turbo) compression. libjpeg reports errors by calling a handler that
// must not return, so the setjmp/longjmp trap lives here and errors come back as values.
#ifndef SCENEFARM_CJPEG_H
#define SCENEFARM_CJPEG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Encodes packed 8-bit RGB rows as a baseline JPEG in memory; returns 0 on success.
/// On success `*out` holds `*outlen` bytes that the caller releases with `sf_jpeg_free`.
int sf_jpeg_encode_rgb(const unsigned char *rgb, int width, int height, int quality,
                       unsigned char **out, unsigned long *outlen, char *err, size_t errlen);
void sf_jpeg_free(unsigned char *buffer);

#ifdef __cplusplus
}
#endif

#endif
