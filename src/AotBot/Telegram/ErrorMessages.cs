using System.Globalization;
using AotBot.Core;
using AotBot.Localization;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>What a user reads when a job fails: the error map's key, its text with the link and the limit filled in.</summary>
internal sealed class ErrorMessages(ErrorMap errors, Localizer texts, IOptions<LimitsOptions> limits)
{
    public string KeyFor(Exception error) => errors.KeyFor(error);

    public string Text(string language, string key, Uri? link = null) =>
        texts.Text(language, key,
            ("link", link is null ? "" : Captions.Link(link)),
            ("limit", limits.Value.MaxJobsPerUser.ToString(CultureInfo.InvariantCulture)));
}
