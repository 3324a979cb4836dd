/*
 * A small face of libjpeg-turbo for AotBot: a baseline 4:2:0 JPEG written to memory, from raw YCbCr bands (no colour
 * conversion at all) or from RGB(X) rows. libjpeg reports errors by calling error_exit, which must not return; here
 * it longjmps back into the call that failed, which returns -1 (or NULL) with the message, so nothing exits or throws
 * across the managed boundary. Only the aotbot_jpeg_* functions are exported.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#define AOTBOT_API __attribute__((visibility("default")))

enum aotbot_jpeg_input
{
  AOTBOT_JPEG_YCBCR_420 = 0, /* 8-bit planes in 16-row bands, written with jpeg_write_raw_data */
  AOTBOT_JPEG_RGBX = 1,      /* 4 bytes per pixel, the fourth ignored */
  AOTBOT_JPEG_RGB = 2
};

typedef struct aotbot_jpeg
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr error;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  unsigned char* buffer;
  unsigned long size;
} aotbot_jpeg;

static void on_error(j_common_ptr cinfo)
{
  aotbot_jpeg* jpeg = (aotbot_jpeg*) cinfo->client_data;
  (*cinfo->err->format_message)(cinfo, jpeg->message);
  longjmp(jpeg->jump, 1);
}

static void on_warning(j_common_ptr cinfo)
{
  (void) cinfo;
}

static void copy_message(const aotbot_jpeg* jpeg, char* out, int out_size)
{
  if (out && out_size > 0)
    snprintf(out, (size_t) out_size, "%s", jpeg->message);
}

AOTBOT_API void aotbot_jpeg_free(aotbot_jpeg* jpeg)
{
  if (!jpeg)
    return;
  jpeg_destroy_compress(&jpeg->cinfo);
  free(jpeg->buffer);
  free(jpeg);
}

/* Starts a JPEG of width x height at quality (1-100), baseline, Huffman tables not optimised, chroma 4:2:0. */
AOTBOT_API aotbot_jpeg* aotbot_jpeg_begin(int width, int height, int quality, int input, char* error, int error_size)
{
  aotbot_jpeg* jpeg = calloc(1, sizeof *jpeg);
  if (!jpeg) {
    if (error && error_size > 0)
      snprintf(error, (size_t) error_size, "out of memory");
    return NULL;
  }
  jpeg->cinfo.err = jpeg_std_error(&jpeg->error);
  jpeg->error.error_exit = on_error;
  jpeg->error.output_message = on_warning;
  jpeg->cinfo.client_data = jpeg;
  if (setjmp(jpeg->jump)) {
    copy_message(jpeg, error, error_size);
    aotbot_jpeg_free(jpeg);
    return NULL;
  }
  jpeg_create_compress(&jpeg->cinfo);
  jpeg_mem_dest(&jpeg->cinfo, &jpeg->buffer, &jpeg->size);
  jpeg->cinfo.image_width = (JDIMENSION) width;
  jpeg->cinfo.image_height = (JDIMENSION) height;
  switch (input) {
    case AOTBOT_JPEG_YCBCR_420:
      jpeg->cinfo.input_components = 3;
      jpeg->cinfo.in_color_space = JCS_YCbCr;
      break;
    case AOTBOT_JPEG_RGBX:
      jpeg->cinfo.input_components = 4;
      jpeg->cinfo.in_color_space = JCS_EXT_RGBX;
      break;
    case AOTBOT_JPEG_RGB:
      jpeg->cinfo.input_components = 3;
      jpeg->cinfo.in_color_space = JCS_RGB;
      break;
    default:
      snprintf(jpeg->message, sizeof jpeg->message, "unknown input %d", input);
      longjmp(jpeg->jump, 1);
  }
  jpeg_set_defaults(&jpeg->cinfo);
  jpeg_set_colorspace(&jpeg->cinfo, JCS_YCbCr);
  jpeg_set_quality(&jpeg->cinfo, quality, TRUE);
  jpeg->cinfo.optimize_coding = FALSE;
  jpeg->cinfo.comp_info[0].h_samp_factor = 2;
  jpeg->cinfo.comp_info[0].v_samp_factor = 2;
  jpeg->cinfo.comp_info[1].h_samp_factor = 1;
  jpeg->cinfo.comp_info[1].v_samp_factor = 1;
  jpeg->cinfo.comp_info[2].h_samp_factor = 1;
  jpeg->cinfo.comp_info[2].v_samp_factor = 1;
  jpeg->cinfo.raw_data_in = input == AOTBOT_JPEG_YCBCR_420 ? TRUE : FALSE;
  jpeg_start_compress(&jpeg->cinfo, TRUE);
  return jpeg;
}

/*
 * Writes the next 16 rows of a YCbCr 4:2:0 image: 16 luma rows and 8 rows of each chroma plane, every row readable
 * for the width rounded up to 16 (luma) or 8 (chroma) samples; the caller pads the right and bottom edges.
 */
AOTBOT_API int aotbot_jpeg_write_band(aotbot_jpeg* jpeg, const unsigned char* y, int y_stride,
                                      const unsigned char* cb, const unsigned char* cr, int c_stride,
                                      char* error, int error_size)
{
  JSAMPROW y_rows[16], cb_rows[8], cr_rows[8];
  JSAMPARRAY planes[3] = {y_rows, cb_rows, cr_rows};
  for (int i = 0; i < 16; i++)
    y_rows[i] = (JSAMPROW) (y + (size_t) i * (size_t) y_stride);
  for (int i = 0; i < 8; i++) {
    cb_rows[i] = (JSAMPROW) (cb + (size_t) i * (size_t) c_stride);
    cr_rows[i] = (JSAMPROW) (cr + (size_t) i * (size_t) c_stride);
  }
  if (setjmp(jpeg->jump)) {
    copy_message(jpeg, error, error_size);
    return -1;
  }
  return (int) jpeg_write_raw_data(&jpeg->cinfo, planes, 16);
}

/* Writes the next count rows of RGBX or RGB pixels, stride bytes apart. */
AOTBOT_API int aotbot_jpeg_write_rows(aotbot_jpeg* jpeg, const unsigned char* rows, int stride, int count,
                                      char* error, int error_size)
{
  if (setjmp(jpeg->jump)) {
    copy_message(jpeg, error, error_size);
    return -1;
  }
  int written = 0;
  while (written < count) {
    JSAMPROW batch[64];
    int n = count - written < 64 ? count - written : 64;
    for (int i = 0; i < n; i++)
      batch[i] = (JSAMPROW) (rows + (size_t) (written + i) * (size_t) stride);
    written += (int) jpeg_write_scanlines(&jpeg->cinfo, batch, (JDIMENSION) n);
  }
  return written;
}

/* Completes the file; *data (size *size) stays owned by jpeg until aotbot_jpeg_free. */
AOTBOT_API int aotbot_jpeg_finish(aotbot_jpeg* jpeg, const unsigned char** data, unsigned long* size,
                                  char* error, int error_size)
{
  if (setjmp(jpeg->jump)) {
    copy_message(jpeg, error, error_size);
    return -1;
  }
  jpeg_finish_compress(&jpeg->cinfo);
  *data = jpeg->buffer;
  *size = jpeg->size;
  return 0;
}
