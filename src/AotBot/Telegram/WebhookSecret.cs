using System.Security.Cryptography;
using System.Text;

namespace AotBot.Telegram;

/// <summary>
/// Compares the <c>X-Telegram-Bot-Api-Secret-Token</c> header with <c>Telegram:WebhookSecret</c> in constant time:
/// both sides are hashed first, so neither the position of the first wrong character nor the secret's length shows
/// in the time the answer takes.
/// </summary>
internal sealed class WebhookSecret(string secret)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public bool Matches(string presented)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), actual);
        return CryptographicOperations.FixedTimeEquals(actual, _expected);
    }
}
