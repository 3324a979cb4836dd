using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace AotBot.Http;

/// <summary>
/// A body held in memory: an array rented from <see cref="ArrayPool{T}.Shared"/> and returned on dispose, or (not
/// <paramref name="pooled"/>) an array of its own, left to the GC. The <paramref name="taken"/> bytes it counts
/// in <paramref name="memory"/> are given back on dispose.
/// </summary>
internal sealed class PooledDownloadedFile(byte[] buffer, int length, string? contentType, bool pooled = true,
    MediaMemory? memory = null, long taken = 0) : DownloadedFile
{
    private byte[]? _buffer = buffer;

    public override long Length => length;
    public override string? ContentType => contentType;
    public override ReadOnlyMemory<byte>? Memory => Buffer.AsMemory(0, length);

    public override Stream OpenRead() => new MemoryStream(Buffer, 0, length, writable: false);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledDownloadedFile));

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } held)
        {
            if (pooled) ArrayPool<byte>.Shared.Return(held);
            memory?.Give(taken);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A body in a temp file opened with <see cref="FileOptions.DeleteOnClose"/>: readers share the one handle
/// (positional reads), so the file is gone as soon as this is disposed.
/// </summary>
internal sealed class TempDownloadedFile : DownloadedFile
{
    private readonly SafeFileHandle _handle;
    private readonly string? _contentType;
    private long _length;

    private TempDownloadedFile(SafeFileHandle handle, string path, string? contentType)
    {
        _handle = handle;
        FilePath = path;
        _contentType = contentType;
    }

    /// <summary>The names spill files have, for <see cref="StaleTempFiles"/>.</summary>
    internal const string SearchPattern = "aotbot-*.part";

    public static TempDownloadedFile Create(string? contentType)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aotbot-{Guid.NewGuid():N}.part");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        return new TempDownloadedFile(handle, path, contentType);
    }

    /// <summary>A temp file holding <paramref name="bytes"/>.</summary>
    public static TempDownloadedFile Write(ReadOnlySpan<byte> bytes, string? contentType)
    {
        var file = Create(contentType);
        try
        {
            file.Append(bytes);
            return file;
        }
        catch
        {
            file._handle.Dispose();
            throw;
        }
    }

    public string FilePath { get; }

    public override long Length => _length;
    public override string? ContentType => _contentType;
    public override ReadOnlyMemory<byte>? Memory => null;

    /// <remarks>
    /// A synchronous write: it lands in the page cache at memory speed, and the async variant on a handle opened
    /// without <see cref="FileOptions.Asynchronous"/> only hops to the thread pool to do the same call.
    /// </remarks>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(_handle, bytes, _length);
        _length += bytes.Length;
    }

    public override Stream OpenRead()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return new HandleReadStream(_handle, _length);
    }

    public override ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A read-only, seekable view of the file through positional reads on the shared handle.</summary>
    private sealed class HandleReadStream(SafeFileHandle handle, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= length) return 0;
            var read = RandomAccess.Read(handle, buffer[..(int)Math.Min(buffer.Length, length - _position)], _position);
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= length) return 0;
            var read = await RandomAccess.ReadAsync(handle, buffer[..(int)Math.Min(buffer.Length, length - _position)], _position, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
