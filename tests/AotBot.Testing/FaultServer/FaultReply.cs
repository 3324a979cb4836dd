using System.Text;

namespace AotBot.Testing.FaultServer;

/// <summary>What happens to the connection once <see cref="FaultReply.CutAfter"/> body bytes have been sent.</summary>
public enum Fault
{
    /// <summary>The whole body is sent.</summary>
    None,

    /// <summary>The connection is closed cleanly (FIN): a short body.</summary>
    Close,

    /// <summary>The connection is reset (RST).</summary>
    Reset,

    /// <summary>Nothing more is sent until the client gives up or the server stops.</summary>
    Stall,
}

/// <summary>One scripted answer of the <see cref="FaultServer"/>.</summary>
public sealed record FaultReply
{
    public int Status { get; init; } = 200;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>A literal body; ignored when <see cref="GeneratedLength"/> is set.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>A body of this many pattern bytes (<c>i % 251</c>), generated while sending (no memory per byte).</summary>
    public long? GeneratedLength { get; init; }

    /// <summary>Transfer-Encoding: chunked instead of Content-Length.</summary>
    public bool Chunked { get; init; }

    /// <summary>Chunked and never ending: bytes flow until the client hangs up.</summary>
    public bool Endless { get; init; }

    /// <summary>The Content-Length sent; the real length when null.</summary>
    public long? DeclaredLength { get; init; }

    /// <summary>Body bytes sent before <see cref="Fault"/> happens.</summary>
    public long CutAfter { get; init; }

    public Fault Fault { get; init; }

    /// <summary>Nothing at all is sent (not even the status line) until the client gives up.</summary>
    public bool SilentHead { get; init; }

    public long Length => GeneratedLength ?? Body.LongLength;

    public static FaultReply Text(string body, int status = 200, string contentType = "text/html; charset=utf-8") =>
        new() { Status = status, Body = Encoding.UTF8.GetBytes(body), Headers = [new("Content-Type", contentType)] };

    public static FaultReply Code(int status, params (string Name, string Value)[] headers) =>
        new() { Status = status, Headers = [.. headers.Select(h => KeyValuePair.Create(h.Name, h.Value))] };

    public static FaultReply Redirect(string location, int status = 302) => Code(status, ("Location", location));

    public static FaultReply Bytes(long length, bool chunked = false, string contentType = "video/mp4") =>
        new() { GeneratedLength = length, Chunked = chunked, Headers = [new("Content-Type", contentType)] };

    public FaultReply With(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

    /// <summary>The pattern byte at <paramref name="offset"/> of a generated body.</summary>
    public static byte PatternAt(long offset) => (byte)(offset % 251);
}

/// <summary>A request the server received.</summary>
public sealed class RecordedRequest(string method, string target, IReadOnlyDictionary<string, string> headers)
{
    private long _bodyBytesSent;

    public string Method { get; } = method;

    /// <summary>Path and query as sent (absolute-form, <c>http://host/path</c>, when the server is used as a proxy).</summary>
    public string Target { get; } = target;

    /// <summary>The path without query, also for absolute-form targets.</summary>
    public string Path => (!Target.StartsWith('/') && Uri.TryCreate(Target, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : Target).Split('?')[0];

    /// <summary>Header names lower-cased; repeated headers joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    public string? Host => Headers.GetValueOrDefault("host");

    public string? Cookie => Headers.GetValueOrDefault("cookie");

    /// <summary>Body bytes written to the socket so far for this request.</summary>
    public long BodyBytesSent => Interlocked.Read(ref _bodyBytesSent);

    internal void AddSent(long count) => Interlocked.Add(ref _bodyBytesSent, count);
}
