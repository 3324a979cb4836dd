using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>
/// Reads <c>Telegram:TokenFile</c>: the token kept out of the environment, in a file only the bot can read (systemd's
/// <c>LoadCredential=</c>, <c>/run/secrets/…</c> in Docker, a mounted Secret in Kubernetes).
/// </summary>
internal static class TokenFileReader
{
    /// <summary>The file's content without surrounding whitespace (secret files usually end in a newline).</summary>
    /// <exception cref="OptionsValidationException">The file cannot be read: the CLI turns this into exit 2 and one line.</exception>
    public static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Our own words: the exception's message is a bare resource key in the trimmed binary.
            var reason = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => ex.GetType().Name,
            };
            throw new OptionsValidationException("Telegram:TokenFile", typeof(TelegramOptions),
                [$"Telegram:TokenFile {path} cannot be read ({reason}): set AOTBOT_Telegram__TokenFile"]);
        }
    }
}
