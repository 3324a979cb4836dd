namespace AotBot.Storage;

/// <summary>
/// Keeps a second process off an SQLite database: an exclusive lock on <c>&lt;file&gt;.lock</c> (flock, released by
/// the kernel when the process ends, however it ends), held for the life of the process. Nothing to hold for
/// PostgreSQL, which instances share.
/// </summary>
internal sealed class SingleInstanceLock(SqlDatabase database) : IDisposable
{
    // EWOULDBLOCK: the flock is held by another open of the file.
    private const int WouldBlock = 11;

    private FileStream? _held;

    /// <summary>The lock file, or null when the database is shared.</summary>
    public string? Path => database.InstanceLockPath;

    /// <summary>True when this process holds the lock (or none is needed); false when another process does.</summary>
    public bool TryTake()
    {
        if (Path is null || _held is not null) return true;
        try
        {
            // FileShare.None is an exclusive flock on Unix, taken without waiting.
            _held = new FileStream(Path, System.IO.FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException ex) when (ex.HResult == WouldBlock)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder that is missing or not writable: opening the database says so, in its own words.
            return true;
        }
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }
}
