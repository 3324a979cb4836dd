using Microsoft.Win32.SafeHandles;

namespace AotBot.Imaging.Heif;

/// <summary>A libheif context over a file held in (pinned) memory that must outlive it.</summary>
internal sealed unsafe class HeifContext : SafeHandleZeroOrMinusOneIsInvalid
{
    public HeifContext() : base(ownsHandle: true)
    {
    }

    /// <summary>
    /// Parses the file's boxes without copying them. <paramref name="maxSide"/> is libheif's own size limit (width and
    /// height each); <paramref name="decodingThreads"/> bounds the threads that decode grid tiles in parallel.
    /// </summary>
    public static HeifContext Read(byte* data, int length, int maxSide, int decodingThreads)
    {
        var context = HeifNative.heif_context_alloc();
        if (context.IsInvalid)
            throw new ImageConversionException("libheif could not allocate a context.");
        try
        {
            HeifNative.heif_context_set_maximum_image_size_limit(context, maxSide);
            HeifNative.heif_context_set_max_decoding_threads(context, decodingThreads);
            Check(HeifNative.heif_context_read_from_memory_without_copy(context, data, (nuint)length, 0), "read the file");
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public HeifImageHandle GetPrimaryImageHandle()
    {
        Check(HeifNative.heif_context_get_primary_image_handle(this, out var handle), "find the primary image");
        return handle;
    }

    internal static void Check(HeifNative.Error error, string what)
    {
        if (!error.IsOk)
            throw new ImageConversionException($"libheif could not {what}: {error.Describe()}");
    }

    protected override bool ReleaseHandle()
    {
        HeifNative.heif_context_free(handle);
        return true;
    }
}
