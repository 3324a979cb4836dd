using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AotBot.Core;
using Microsoft.Extensions.Logging;

namespace AotBot.Hosting;

/// <summary>The limits that keep the listener safe on the open internet.</summary>
internal sealed record ServerLimits
{
    /// <summary>Connections served at once; more are answered 503 and closed. Also caps buffered bodies at 64 MB.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Request line plus headers; more is answered 431.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    public int MaxHeaderCount { get; init; } = 64;

    /// <summary>Telegram's updates are a few KB; a larger body is answered 413 without being read.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>From a request's first byte to its last: a slow or partial request is answered 408 and closed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle connection waits for its next request.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Handling plus writing the response; a client that does not read its answer is dropped.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// A small HTTP/1.1 server on a socket, enough for probes, scrapes and Telegram's webhook calls: bodies with a
/// Content-Length (no chunked requests), keep-alive and pipelining, <c>Expect: 100-continue</c>, and the
/// <see cref="ServerLimits"/> enforced on every connection. Chosen over Kestrel for binary size (see the ops report);
/// TLS belongs to the reverse proxy in front of it.
/// </summary>
internal sealed class MiniHttpServer : IAsyncDisposable
{
    private static readonly byte[] s_headerEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly Socket _listener;
    private readonly Func<ListenerRequest, CancellationToken, ValueTask<ListenerResponse>> _handler;
    private readonly Func<ListenerRequest, ListenerResponse?>? _screen;
    private readonly ServerLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _acceptLoop;
    private int _open;
    private long _lastRefusalLogged;

    private MiniHttpServer(Socket listener, Func<ListenerRequest, CancellationToken, ValueTask<ListenerResponse>> handler,
        Func<ListenerRequest, ListenerResponse?>? screen, ServerLimits limits, TimeProvider time, ILogger logger)
    {
        _listener = listener;
        _handler = handler;
        _screen = screen;
        _limits = limits;
        _time = time;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address actually bound (port 0 resolved).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Binds and starts accepting; throws <see cref="SocketException"/> when the address cannot be bound.</summary>
    /// <param name="screen">
    /// Sees each request's head (its body empty) before the body is read; a response it returns is sent at once and
    /// the body never read, so a caller without the webhook's secret cannot make the server buffer a megabyte.
    /// </param>
    public static MiniHttpServer Start(IPEndPoint endPoint, Func<ListenerRequest, CancellationToken, ValueTask<ListenerResponse>> handler,
        ServerLimits limits, TimeProvider time, ILogger logger, Func<ListenerRequest, ListenerResponse?>? screen = null)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
                listener.DualMode = true;
            listener.Bind(endPoint);
            listener.Listen(512);
            return new MiniHttpServer(listener, handler, screen, limits, time, logger);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Stops accepting, cancels what is in flight and waits for every connection to close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_connections.Keys);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors and the like: do not spin on it.
                _logger.ListenerAcceptFailed(ex.SocketErrorCode.ToString());
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, CancellationToken.None);
                continue;
            }
            socket.NoDelay = true;
            if (Interlocked.Increment(ref _open) > _limits.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                // Once a minute at most: a flood must not flood the log too.
                if (_time.GetElapsedTime(_lastRefusalLogged) >= TimeSpan.FromMinutes(1) || _lastRefusalLogged == 0)
                {
                    _lastRefusalLogged = _time.GetTimestamp();
                    _logger.ListenerConnectionRefused(_limits.MaxConnections);
                }
                Track(RefuseAsync(socket, ListenerResponse.Text(503, "too many connections\n")));
                continue;
            }
            Track(ServeAsync(socket));
        }
    }

    private void Track(Task connection)
    {
        _connections[connection] = 0;
        connection.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            _connections, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_limits.MaxHeaderBytes);
        var (start, end) = (0, 0);
        var served = false;
        try
        {
            while (true)
            {
                if (start == end)
                {
                    // Idle: wait for the first byte of the next request. A new connection gets only the request
                    // timeout for it, so holding a connection slot without asking anything is not cheap.
                    (start, end) = (0, 0);
                    using var idle = new Deadline(served ? _limits.KeepAliveTimeout : _limits.RequestTimeout, _time, _stopping.Token);
                    var received = await socket.ReceiveAsync(buffer.AsMemory(0, _limits.MaxHeaderBytes), SocketFlags.None, idle.Token);
                    if (received == 0) return;
                    end = received;
                }

                ReadResult read;
                using (var deadline = new Deadline(_limits.RequestTimeout, _time, _stopping.Token))
                {
                    try
                    {
                        read = await ReadRequestAsync(socket, buffer, start, end, deadline.Token);
                    }
                    catch (OperationCanceledException) when (deadline.Expired)
                    {
                        // Slow or partial request (slowloris): answer 408 if the client still listens, then drop it.
                        read = ReadResult.Refuse(408, "request timeout\n");
                    }
                }
                if (read.Refusal is { } refusal)
                {
                    await RefuseAsync(socket, refusal.Response);
                    return;
                }
                if (read.Request is not { } request) return; // closed mid-request
                (start, end) = (read.Start, read.End);

                using var handling = new Deadline(_limits.ResponseTimeout, _time, _stopping.Token);
                ListenerResponse response;
                try
                {
                    response = await _handler(request, handling.Token);
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    _logger.ListenerHandlerFailed(request.Path, ex.GetType().Name, ex.Message);
                    response = ListenerResponse.Text(handling.Expired ? 503 : 500, handling.Expired ? "timed out\n" : "internal error\n");
                }
                var keepAlive = read.KeepAlive && !_stopping.IsCancellationRequested;
                await socket.SendAsync(Serialize(response, keepAlive, includeBody: request.Method != "HEAD"), SocketFlags.None, handling.Token);
                if (!keepAlive) return;
                served = true;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or stopped reading, an idle connection timed out, or we are stopping.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            socket.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    private readonly record struct Refusal(ListenerResponse Response)
    {
        public Refusal(int status, string text)
            : this(ListenerResponse.Text(status, text))
        {
        }
    }

    private readonly record struct ReadResult(ListenerRequest? Request, bool KeepAlive, int Start, int End, Refusal? Refusal)
    {
        public static ReadResult Refuse(int status, string text) => new(null, false, 0, 0, new Refusal(status, text));

        public static ReadResult Refuse(ListenerResponse response) => new(null, false, 0, 0, new Refusal(response));
    }

    /// <summary>Reads one request whose first bytes are in <c>buffer[start..end]</c>; returns where the next one starts.</summary>
    private async Task<ReadResult> ReadRequestAsync(Socket socket, byte[] buffer, int start, int end, CancellationToken cancellationToken)
    {
        int headEnd;
        while ((headEnd = buffer.AsSpan(start, end - start).IndexOf(s_headerEnd)) < 0)
        {
            if (end - start >= _limits.MaxHeaderBytes) return ReadResult.Refuse(431, "request header too large\n");
            if (end == _limits.MaxHeaderBytes)
            {
                // Pipelined leftovers sit at the start's offset: move them down to make room.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                (start, end) = (0, end - start);
            }
            var received = await socket.ReceiveAsync(buffer.AsMemory(end, _limits.MaxHeaderBytes - end), SocketFlags.None, cancellationToken);
            if (received == 0) return default;
            end += received;
        }
        var headLength = headEnd + s_headerEnd.Length;
        if (Parse(buffer.AsSpan(start, headEnd)) is not { } head) return ReadResult.Refuse(400, "bad request\n");
        if (head.Refusal is { } refusal) return ReadResult.Refuse(refusal.Response);
        start += headLength;

        var length = head.ContentLength;
        if (length > _limits.MaxBodyBytes) return ReadResult.Refuse(413, $"body over {_limits.MaxBodyBytes} bytes\n");
        if (length > 0 && _screen?.Invoke(new ListenerRequest(head.Method, head.Path, head.Headers, default)) is { } screened)
            return ReadResult.Refuse(screened);
        var body = length == 0 ? [] : new byte[length];
        var buffered = (int)Math.Min(length, end - start);
        buffer.AsSpan(start, buffered).CopyTo(body);
        start += buffered;
        if (buffered < length && head.ExpectsContinue)
            await socket.SendAsync(s_continue, SocketFlags.None, cancellationToken);
        for (var filled = buffered; filled < length;)
        {
            var received = await socket.ReceiveAsync(body.AsMemory(filled), SocketFlags.None, cancellationToken);
            if (received == 0) return default;
            filled += received;
        }
        return new ReadResult(new ListenerRequest(head.Method, head.Path, head.Headers, body), head.KeepAlive, start, end, null);
    }

    private sealed record Head(string Method, string Path, List<KeyValuePair<string, string>> Headers, long ContentLength,
        bool KeepAlive, bool ExpectsContinue, Refusal? Refusal = null);

    /// <summary>Parses the request line and headers (without the blank line); null when malformed.</summary>
    private Head? Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || !requestLine[0].All(char.IsAsciiLetterUpper)
            || !requestLine[1].StartsWith('/'))
            return null;
        var (method, target, version) = (requestLine[0], requestLine[1], requestLine[2]);
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        var keepAlive = version == "HTTP/1.1";
        long? contentLength = null;
        var expectsContinue = false;
        if (version is not ("HTTP/1.1" or "HTTP/1.0"))
            return new Head(method, path, headers, 0, false, false, new Refusal(505, "HTTP/1.1 only\n"));
        if (lines.Length - 1 > _limits.MaxHeaderCount)
            return new Head(method, path, headers, 0, false, false, new Refusal(431, "too many headers\n"));
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            // No name, whitespace before the colon, or an obsolete folded line: all rejected, as RFC 9112 asks.
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(' ', '\t')) return null;
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim(' ', '\t'));
            headers.Add(new(name, value));
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                    || (contentLength is { } earlier && earlier != parsed))
                    return null;
                contentLength = parsed;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                return new Head(method, path, headers, 0, false, false, new Refusal(411, "a Content-Length is required\n"));
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive &= !value.Contains("close", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                if (!value.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                    return new Head(method, path, headers, 0, false, false, new Refusal(417, "expectation failed\n"));
                expectsContinue = true;
            }
        }
        return new Head(method, path, headers, contentLength ?? 0, keepAlive, expectsContinue);
    }

    /// <summary>Answers with an error and closes; best effort, never waits long on a client that does not read.</summary>
    private async Task RefuseAsync(Socket socket, ListenerResponse response)
    {
        using var deadline = new Deadline(TimeSpan.FromSeconds(2), _time, _stopping.Token);
        try
        {
            await socket.SendAsync(Serialize(response, keepAlive: false, includeBody: true), SocketFlags.None, deadline.Token);
            // Closing with unread request bytes would reset the connection, and the client might lose the answer:
            // end our side, then discard what it still sends until it closes or the deadline passes.
            socket.Shutdown(SocketShutdown.Send);
            var sink = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (await socket.ReceiveAsync(sink, SocketFlags.None, deadline.Token) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(sink);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    private byte[] Serialize(ListenerResponse response, bool keepAlive, bool includeBody)
    {
        var head = new StringBuilder(160)
            .Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(Reason(response.Status)).Append("\r\n")
            .Append("Date: ").Append(_time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Content-Type: ").Append(response.ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(response.Body.Length).Append("\r\n")
            .Append("Cache-Control: no-store\r\n");
        if (response.Allow is { } allow) head.Append("Allow: ").Append(allow).Append("\r\n");
        if (!keepAlive) head.Append("Connection: close\r\n");
        head.Append("\r\n");
        var headBytes = Encoding.Latin1.GetBytes(head.ToString());
        if (!includeBody) return headBytes;
        var bytes = new byte[headBytes.Length + response.Body.Length];
        headBytes.CopyTo(bytes, 0);
        response.Body.Span.CopyTo(bytes.AsSpan(headBytes.Length));
        return bytes;
    }

    /// <summary>A token that fires after a timeout on <see cref="TimeProvider"/> (fake in tests) or when the server stops.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public Deadline(TimeSpan timeout, TimeProvider time, CancellationToken stopping)
        {
            _timer = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, stopping);
        }

        public CancellationToken Token => _linked.Token;

        public bool Expired => _timer.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };
}
