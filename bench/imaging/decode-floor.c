/* The decode floor: libheif (native/out, static) decodes a HEIC to its own planes, nothing else.
   Usage: decode-floor FILE.heic  -> prints the decode seconds. */
#include <libheif/heif.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv)
{
  FILE* f = fopen(argv[1], "rb");
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* data = malloc(size);
  if (fread(data, 1, size, f) != (size_t) size) return 1;
  fclose(f);

  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  struct heif_context* ctx = heif_context_alloc();
  struct heif_image_handle* handle;
  struct heif_image* image;
  if (heif_context_read_from_memory_without_copy(ctx, data, size, NULL).code
      || heif_context_get_primary_image_handle(ctx, &handle).code
      || heif_decode_image(handle, &image, heif_colorspace_undefined, heif_chroma_undefined, NULL).code)
    return 1;
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.3f\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
  return 0;
}
