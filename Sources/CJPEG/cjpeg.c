#include "cjpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
} sf_jpeg_error;

static void sf_jpeg_error_exit(j_common_ptr cinfo) {
    sf_jpeg_error *e = (sf_jpeg_error *)cinfo->err;
    e->base.format_message(cinfo, e->message);
    longjmp(e->escape, 1);
}

int sf_jpeg_encode_rgb(const unsigned char *rgb, int width, int height, int quality,
                       unsigned char **out, unsigned long *outlen, char *err, size_t errlen) {
    struct jpeg_compress_struct cinfo;
    sf_jpeg_error jerr;
    // volatile: read after longjmp.
    unsigned char *volatile buffer = NULL;
    unsigned long size = 0;
    *out = NULL;
    *outlen = 0;
    memset(&jerr, 0, sizeof jerr);
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = sf_jpeg_error_exit;
    if (setjmp(jerr.escape)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        if (err && errlen) snprintf(err, errlen, "%s", jerr.message);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *outlen = size;
    return 0;
}

void sf_jpeg_free(unsigned char *buffer) { free(buffer); }
