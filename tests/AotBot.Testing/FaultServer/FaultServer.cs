using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AotBot.Testing.FaultServer;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 (port 0) that answers from scripts and can misbehave on purpose: resets and
/// clean closes mid-body, stalls, wrong Content-Length, chunked and endless bodies, redirects. It records every
/// request (headers included, e.g. Cookie). Keep-alive is supported, so connection pooling is exercised too.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    private static readonly byte[] s_pattern = Enumerable.Range(0, 251 * 1024).Select(i => FaultReply.PatternAt(i)).ToArray();

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, FaultReply>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _accepting;

    private FaultServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static FaultServer Start() => new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    /// <summary>Answers <paramref name="path"/> with <paramref name="replies"/> in turn; the last one repeats.</summary>
    public FaultServer Map(string path, params FaultReply[] replies)
    {
        var next = -1;
        return Map(path, _ => replies[Math.Min(Interlocked.Increment(ref next), replies.Length - 1)]);
    }

    /// <summary>Answers <paramref name="path"/> (without query) by calling <paramref name="reply"/> for each request.</summary>
    public FaultServer Map(string path, Func<RecordedRequest, FaultReply> reply)
    {
        _routes[path] = reply;
        return this;
    }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => [.. _requests.Where(r => r.Path == path)];

    /// <summary>Waits (real time, polling) until <paramref name="path"/> has seen <paramref name="count"/> requests.</summary>
    public async Task WaitForRequestsAsync(string path, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (RequestsTo(path).Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{path} saw {RequestsTo(path).Count} requests, expected {count}.");
            await Task.Delay(5);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            socket.NoDelay = true;
            var connection = ServeAsync(socket);
            _connections[connection] = 0;
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var token = _stopping.Token;
        var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new HeadReader(stream);
        try
        {
            while (await reader.ReadHeadAsync(token) is { } head)
            {
                var request = Parse(head);
                _requests.Enqueue(request);
                var reply = _routes.TryGetValue(request.Path, out var route) ? route(request) : FaultReply.Text("not found", 404);
                var keepOpen = await SendAsync(socket, stream, request, reply, token);
                if (!keepOpen || request.Headers.GetValueOrDefault("connection")?.Equals("close", StringComparison.OrdinalIgnoreCase) == true) break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up (as the tests intend), or the server is stopping.
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <returns>Whether the connection may serve another request.</returns>
    private async Task<bool> SendAsync(Socket socket, NetworkStream stream, RecordedRequest request, FaultReply reply, CancellationToken token)
    {
        if (reply.SilentHead)
        {
            // Drain whatever the client still sends (an upload's body) until it gives up and closes.
            var sink = new byte[16 * 1024];
            while (await stream.ReadAsync(sink, token) > 0) { }
            return false;
        }
        var chunked = reply.Chunked || reply.Endless;
        var head = new StringBuilder($"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\n");
        foreach (var (name, value) in reply.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (chunked) head.Append("Transfer-Encoding: chunked\r\n");
        else head.Append("Content-Length: ").Append(reply.DeclaredLength ?? reply.Length).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);

        var limit = reply.Fault == Fault.None ? (reply.Endless ? long.MaxValue : reply.Length) : Math.Min(reply.CutAfter, reply.Endless ? long.MaxValue : reply.Length);
        long sent = 0;
        while (sent < limit)
        {
            var count = (int)Math.Min(limit - sent, reply.GeneratedLength is null && !reply.Endless ? reply.Body.Length - sent : s_pattern.Length);
            var bytes = reply.GeneratedLength is null && !reply.Endless
                ? reply.Body.AsMemory((int)sent, count)
                : s_pattern.AsMemory((int)(sent % 251), Math.Min(count, s_pattern.Length - 251));
            if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bytes.Length:x}\r\n"), token);
            await stream.WriteAsync(bytes, token);
            if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), token);
            sent += bytes.Length;
            request.AddSent(bytes.Length);
        }

        switch (reply.Fault)
        {
            case Fault.None:
                if (chunked) await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), token);
                return true;
            case Fault.Reset:
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                return false;
            case Fault.Stall:
                // Wait for the client to hang up (a read returns 0 or throws), or for the server to stop.
                _ = await stream.ReadAsync(new byte[1], token);
                return false;
            default:
                socket.Shutdown(SocketShutdown.Both);
                return false;
        }
    }

    private static RecordedRequest Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var previous) ? previous + ", " + value : value;
        }
        return new RecordedRequest(parts[0], parts.Length > 1 ? parts[1] : "/", headers);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 301 => "Moved Permanently", 302 => "Found", 307 => "Temporary Redirect", 308 => "Permanent Redirect",
        403 => "Forbidden", 404 => "Not Found", 410 => "Gone", 429 => "Too Many Requests", 500 => "Internal Server Error",
        502 => "Bad Gateway", 503 => "Service Unavailable", 504 => "Gateway Timeout", _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections.Keys);
        _stopping.Dispose();
    }

    /// <summary>Reads request heads (up to the blank line), keeping bytes that arrive after one for the next.</summary>
    private sealed class HeadReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _filled;

        public async Task<string?> ReadHeadAsync(CancellationToken token)
        {
            while (true)
            {
                var end = _buffer.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    var head = Encoding.ASCII.GetString(_buffer, 0, end);
                    var consumed = end + 4;
                    _buffer.AsSpan(consumed, _filled - consumed).CopyTo(_buffer);
                    _filled -= consumed;
                    return head;
                }
                if (_filled == _buffer.Length) throw new IOException("Request head too large.");
                var read = await stream.ReadAsync(_buffer.AsMemory(_filled), token);
                if (read == 0) return null;
                _filled += read;
            }
        }
    }
}
