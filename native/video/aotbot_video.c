/*
 * A small face of openh264's encoder for AotBot's slideshow videos: one encoder per video, fed I420 frames, giving
 * back each frame's H.264 bitstream (Annex B: NAL units behind 00 00 00 01 start codes; SPS and PPS come with every
 * IDR frame). The managed side splits the NAL units and writes the MP4. One thread per encoder (the conversion pool
 * owns the parallelism), no frame skipping (every frame fed gives a frame out, so durations stay exact), no scene
 * detection (the caller says where a new image starts). Only the aotbot_video_* functions are exported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wels/codec_api.h>

#define AOTBOT_API __attribute__((visibility("default")))

typedef struct aotbot_video
{
  ISVCEncoder* encoder;
  int width;
  int height;
  unsigned char* buffer; /* the last frame's bitstream, valid until the next call */
  int capacity;
} aotbot_video;

static void set_error(char* error, int error_size, const char* what, int code)
{
  if (error && error_size > 0)
    snprintf(error, (size_t) error_size, "%s (openh264 %d)", what, code);
}

AOTBOT_API void aotbot_video_free(aotbot_video* video)
{
  if (!video)
    return;
  if (video->encoder)
  {
    (*video->encoder)->Uninitialize(video->encoder);
    WelsDestroySVCEncoder(video->encoder);
  }
  free(video->buffer);
  free(video);
}

/*
 * An encoder for width x height (even, at most 4096 x 4096) at fps frames per second, with bitrate bits per second as
 * the rate control's target. NULL with a message on failure.
 */
AOTBOT_API aotbot_video* aotbot_video_create(int width, int height, float fps, int bitrate, char* error, int error_size)
{
  if (width < 16 || height < 16 || width > 4096 || height > 4096 || (width & 1) || (height & 1) || fps <= 0 || fps > 60
      || bitrate < 10000)
  {
    set_error(error, error_size, "invalid encoder parameters", 0);
    return NULL;
  }
  aotbot_video* video = calloc(1, sizeof(aotbot_video));
  if (!video)
  {
    set_error(error, error_size, "out of memory", 0);
    return NULL;
  }
  video->width = width;
  video->height = height;
  int rc = WelsCreateSVCEncoder(&video->encoder);
  if (rc != 0 || !video->encoder)
  {
    set_error(error, error_size, "WelsCreateSVCEncoder failed", rc);
    video->encoder = NULL;
    aotbot_video_free(video);
    return NULL;
  }
  /* openh264 writes its warnings to stderr by default; errors come back as return codes here. */
  int quiet = WELS_LOG_QUIET;
  (*video->encoder)->SetOption(video->encoder, ENCODER_OPTION_TRACE_LEVEL, &quiet);
  SEncParamExt param;
  (*video->encoder)->GetDefaultParams(video->encoder, &param);
  param.iUsageType = CAMERA_VIDEO_REAL_TIME; /* the non-real-time usage is not implemented (2.6.0 refuses it) */
  param.iPicWidth = width;
  param.iPicHeight = height;
  param.iTargetBitrate = bitrate;
  param.iMaxBitrate = UNSPECIFIED_BIT_RATE;
  param.iRCMode = RC_QUALITY_MODE;
  param.fMaxFrameRate = fps;
  param.iSpatialLayerNum = 1;
  param.iTemporalLayerNum = 1;
  param.iComplexityMode = MEDIUM_COMPLEXITY;
  param.uiIntraPeriod = 0; /* IDR frames only where the caller forces them (each new image) */
  param.iNumRefFrame = 1;
  param.eSpsPpsIdStrategy = CONSTANT_ID; /* one SPS/PPS pair for the whole track: the MP4 holds it once, in avcC */
  param.bPrefixNalAddingCtrl = false;
  param.bEnableFrameSkip = false;
  param.bEnableSceneChangeDetect = false;
  param.bEnableBackgroundDetection = true;
  param.bEnableAdaptiveQuant = true;
  param.bEnableDenoise = false;
  param.bEnableLongTermReference = false;
  param.iMultipleThreadIdc = 1;
  param.iEntropyCodingModeFlag = 0; /* CAVLC: openh264 encodes Constrained Baseline, which every player decodes */
  param.iMinQp = 18;
  param.iMaxQp = 40;
  param.iLoopFilterDisableIdc = 0;
  param.sSpatialLayers[0].iVideoWidth = width;
  param.sSpatialLayers[0].iVideoHeight = height;
  param.sSpatialLayers[0].fFrameRate = fps;
  param.sSpatialLayers[0].iSpatialBitrate = bitrate;
  param.sSpatialLayers[0].iMaxSpatialBitrate = UNSPECIFIED_BIT_RATE;
  param.sSpatialLayers[0].sSliceArgument.uiSliceMode = SM_SINGLE_SLICE;
  /* Said in the SPS, so players do not guess: BT.709 colours, limited range (what the managed converter writes). */
  param.sSpatialLayers[0].bVideoSignalTypePresent = true;
  param.sSpatialLayers[0].uiVideoFormat = VF_UNDEF;
  param.sSpatialLayers[0].bFullRange = false;
  param.sSpatialLayers[0].bColorDescriptionPresent = true;
  param.sSpatialLayers[0].uiColorPrimaries = CP_BT709;
  param.sSpatialLayers[0].uiTransferCharacteristics = TRC_BT709;
  param.sSpatialLayers[0].uiColorMatrix = CM_BT709;
  rc = (*video->encoder)->InitializeExt(video->encoder, &param);
  if (rc != 0)
  {
    set_error(error, error_size, "encoder initialisation failed", rc);
    aotbot_video_free(video);
    return NULL;
  }
  int format = videoFormatI420;
  (*video->encoder)->SetOption(video->encoder, ENCODER_OPTION_DATAFORMAT, &format);
  return video;
}

/*
 * Encodes one I420 frame (planes with their strides) shown at timestamp_ms; force_idr starts an IDR frame (a new
 * image). *out and *out_size receive the frame's Annex B bitstream (valid until the next call on this encoder; zero
 * bytes when the encoder skipped the frame), *frame_type openh264's EVideoFrameType. 0 on success, -1 with a message.
 */
AOTBOT_API int aotbot_video_encode_i420(aotbot_video* video, const unsigned char* y, const unsigned char* u,
  const unsigned char* v, int y_stride, int uv_stride, long long timestamp_ms, int force_idr,
  const unsigned char** out, int* out_size, int* frame_type, char* error, int error_size)
{
  *out = NULL;
  *out_size = 0;
  *frame_type = videoFrameTypeInvalid;
  if (!video || !y || !u || !v || y_stride < video->width || uv_stride < video->width / 2)
  {
    set_error(error, error_size, "invalid frame", 0);
    return -1;
  }
  if (force_idr)
    (*video->encoder)->ForceIntraFrame(video->encoder, true);
  SSourcePicture picture;
  memset(&picture, 0, sizeof(picture));
  picture.iColorFormat = videoFormatI420;
  picture.iPicWidth = video->width;
  picture.iPicHeight = video->height;
  picture.iStride[0] = y_stride;
  picture.iStride[1] = uv_stride;
  picture.iStride[2] = uv_stride;
  picture.pData[0] = (unsigned char*) y;
  picture.pData[1] = (unsigned char*) u;
  picture.pData[2] = (unsigned char*) v;
  picture.uiTimeStamp = timestamp_ms;
  SFrameBSInfo info;
  memset(&info, 0, sizeof(info));
  int rc = (*video->encoder)->EncodeFrame(video->encoder, &picture, &info);
  if (rc != cmResultSuccess)
  {
    set_error(error, error_size, "EncodeFrame failed", rc);
    return -1;
  }
  *frame_type = info.eFrameType;
  if (info.eFrameType == videoFrameTypeSkip || info.iFrameSizeInBytes <= 0)
    return 0;
  if (info.iFrameSizeInBytes > video->capacity)
  {
    unsigned char* grown = realloc(video->buffer, (size_t) info.iFrameSizeInBytes);
    if (!grown)
    {
      set_error(error, error_size, "out of memory", 0);
      return -1;
    }
    video->buffer = grown;
    video->capacity = info.iFrameSizeInBytes;
  }
  /* The layers' NAL units lie one after another in each layer's buffer; copied out in order. */
  int size = 0;
  for (int layer = 0; layer < info.iLayerNum; layer++)
  {
    const SLayerBSInfo* bs = &info.sLayerInfo[layer];
    int layer_size = 0;
    for (int nal = 0; nal < bs->iNalCount; nal++)
      layer_size += bs->pNalLengthInByte[nal];
    if (size + layer_size > video->capacity)
    {
      set_error(error, error_size, "bitstream larger than reported", size + layer_size);
      return -1;
    }
    memcpy(video->buffer + size, bs->pBsBuf, (size_t) layer_size);
    size += layer_size;
  }
  *out = video->buffer;
  *out_size = size;
  return 0;
}
