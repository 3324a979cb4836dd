using System.Text;
using AotBot.Core;
using AotBot.Hosting;

namespace AotBot.Tests.Hosting;

public sealed class RedactionSpecs
{
    private const string Token = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    [Fact]
    public void A_request_url_loses_its_token()
    {
        var text = Redaction.Redact($"POST https://api.telegram.org/bot{Token}/sendMessage failed");

        Assert.Equal($"POST https://api.telegram.org/bot{Redaction.Placeholder}/sendMessage failed", text);
    }

    [Fact]
    public void The_log_stream_redacts_a_token_split_across_writes()
    {
        var sink = new MemoryStream();
        using (var stream = new RedactingStream(sink))
        {
            var bytes = Encoding.UTF8.GetBytes($"line one\nerror calling bot{Token}/getUpdates\nlast");
            stream.Write(bytes.AsSpan(0, 30));
            stream.Write(bytes.AsSpan(30));
            stream.Flush();
        }
        var written = Encoding.UTF8.GetString(sink.ToArray());

        Assert.DoesNotContain("AAEhBOweik6ad9r", written);
        Assert.Equal($"line one\nerror calling bot{Redaction.Placeholder}/getUpdates\nlast", written);
    }
}
