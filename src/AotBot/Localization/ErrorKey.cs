namespace AotBot.Localization;

/// <summary>
/// Maps an exception type to the locale key of the message the user gets. Capabilities register theirs at start-up
/// (<c>services.AddSingleton(new ErrorKey(typeof(InstagramNotFoundException), "error_instagram_not_found"))</c>);
/// the error map picks the exact type first, then the nearest base type, then <c>error</c>.
/// </summary>
public sealed record ErrorKey(Type ExceptionType, string Key);
