namespace AotBot.Core;

/// <summary>
/// Maps an exception type to the locale key of the message the user gets. Each capability registers its own at start-up
/// (<c>services.AddSingleton(new ErrorKey(typeof(InstagramNotFoundException), "error_instagram_not_found"))</c>);
/// the error map picks the exact type first, then the nearest base type, then <c>error</c>.
/// </summary>
/// <param name="ExceptionType">The exception type this key is for (subclasses inherit it unless they have their own).</param>
/// <param name="Key">The locale key of the message.</param>
/// <param name="When">
/// Optional refinement for one type that carries its kind in a property (Http's <c>HttpFetchException.Failure</c>):
/// a key with a matching <paramref name="When"/> wins over the type's plain key.
/// </param>
public sealed record ErrorKey(Type ExceptionType, string Key, Func<Exception, bool>? When = null)
{
    /// <summary>The generic apology, for errors that are the bot's fault rather than the post's.</summary>
    public const string Fallback = "error";
}
