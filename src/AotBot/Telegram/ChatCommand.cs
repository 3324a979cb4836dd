namespace AotBot.Telegram;

/// <summary>A command at the start of a message: <c>/name[@bot] [argument]</c>.</summary>
internal readonly record struct ChatCommand(string Name, string? Argument, bool ForAnotherBot)
{
    /// <summary>Reads the command of <paramref name="text"/>, or null when the text is not one.</summary>
    public static ChatCommand? TryParse(string text, string botUsername)
    {
        if (text.Length < 2 || text[0] != '/') return null;
        var end = text.AsSpan().IndexOfAny(" \n\t\r");
        var token = end < 0 ? text[1..] : text[1..end];
        var argument = end < 0 ? null : text[end..].Trim();
        var at = token.IndexOf('@');
        var forAnother = at >= 0 && !token[(at + 1)..].Equals(botUsername, StringComparison.OrdinalIgnoreCase);
        var name = (at >= 0 ? token[..at] : token).ToLowerInvariant();
        return new ChatCommand(name, string.IsNullOrEmpty(argument) ? null : argument, forAnother);
    }
}
