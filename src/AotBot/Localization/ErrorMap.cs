using AotBot.Core;

namespace AotBot.Localization;

/// <summary>
/// The registry from exception type to locale key (the seed's error mapping): the exact type first, then each base
/// type in turn, then <c>error</c>. Built once from every <see cref="ErrorKey"/> registered in DI.
/// </summary>
internal sealed class ErrorMap
{
    public const string Fallback = ErrorKey.Fallback;

    private readonly Dictionary<Type, ErrorKey[]> _byType;

    public ErrorMap(IEnumerable<ErrorKey> keys)
    {
        // Refined keys (with When) come before the plain one of the same type; a later plain registration overrides
        // an earlier one, so a source can replace a built-in mapping.
        _byType = keys
            .GroupBy(k => k.ExceptionType)
            .ToDictionary(
                g => g.Key,
                g => g.Where(k => k.When is not null).Concat(g.Where(k => k.When is null).TakeLast(1)).ToArray());
    }

    /// <summary>The locale key for <paramref name="error"/>.</summary>
    public string KeyFor(Exception error)
    {
        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
            error = aggregate.InnerExceptions[0];
        for (var type = error.GetType(); type is not null; type = type.BaseType)
        {
            if (!_byType.TryGetValue(type, out var candidates)) continue;
            foreach (var candidate in candidates)
            {
                if (candidate.When is null || candidate.When(error))
                    return candidate.Key;
            }
        }
        return Fallback;
    }
}
