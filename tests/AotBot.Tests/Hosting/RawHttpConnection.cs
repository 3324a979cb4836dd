using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AotBot.Tests.Hosting;

/// <summary>A TCP connection that writes requests byte for byte (partial, pipelined, malformed) and reads answers.</summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;
    private readonly MemoryStream _pending = new();

    public static async Task<RawHttpConnection> OpenAsync(IPEndPoint endPoint)
    {
        var connection = new RawHttpConnection();
        await connection._client.ConnectAsync(endPoint);
        connection._stream = connection._client.GetStream();
        return connection;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one response (head, then Content-Length bytes); null when the server closed first.</summary>
    public async Task<RawResponse?> ReadResponseAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        while (true)
        {
            var data = _pending.ToArray();
            var headEnd = data.AsSpan().IndexOf("\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                var head = Encoding.Latin1.GetString(data, 0, headEnd).Split("\r\n");
                var headers = head[1..].Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                var length = headers.TryGetValue("Content-Length", out var l) ? int.Parse(l) : 0;
                if (head[0].Contains(" 100 ")) length = 0;
                if (data.Length >= headEnd + 4 + length)
                {
                    _pending.SetLength(0);
                    _pending.Write(data, headEnd + 4 + length, data.Length - headEnd - 4 - length);
                    var status = int.Parse(head[0].Split(' ')[1]);
                    return new RawResponse(status, headers, Encoding.UTF8.GetString(data, headEnd + 4, length));
                }
            }
            var read = await _stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) return null;
            _pending.Write(buffer, 0, read);
        }
    }

    /// <summary>True once the server has closed the connection (reads end), after any bytes still pending.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
