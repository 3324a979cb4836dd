using AotBot.Core;
using AotBot.Hosting;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Localization;
using AotBot.Sources.Instagram;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Localization;

public sealed class ErrorMapSpecs
{
    private static readonly ErrorMap s_builtIn = new(LocalizationServices.BuiltInErrorKeys());

    // Http registers the keys of its own failures, as sources do theirs; Localization knows none of them.
    private static readonly ErrorMap s_withHttp = new(LocalizationServices.BuiltInErrorKeys().Concat(HttpServices.ErrorKeys()));

    private sealed class PrivateStoryException() : MediaPrivateException("A private story.");

    public static TheoryData<Exception, string> ExactTypes() => new()
    {
        { new MediaDeletedException("gone"), "error_deleted" },
        { new MediaPrivateException("private"), "error_private" },
        { new MediaRegionBlockedException("region"), "error_region" },
        { new RateLimitedException("captcha"), "error_rate_limit" },
        { new NetworkException("down"), "error_network" },
        { new UnsupportedLinkException("no link"), "link_error" },
        { new SourceNotConfiguredException("instagram"), "error_source_disabled" },
    };

    [Theory]
    [MemberData(nameof(ExactTypes))]
    public void I_get_the_key_registered_for_the_exact_type(Exception error, string key)
    {
        Assert.Equal(key, s_builtIn.KeyFor(error));
    }

    [Fact]
    public void I_get_the_key_of_the_nearest_base_type_then_error()
    {
        Assert.Equal("error_private", s_builtIn.KeyFor(new PrivateStoryException()));
        Assert.Equal("error_too_long", s_builtIn.KeyFor(new MediaTooLongException(TimeSpan.FromHours(2))));
        Assert.Equal("error_too_large", s_builtIn.KeyFor(new MediaTooLargeException(60_000_000)));
        Assert.Equal("error", s_builtIn.KeyFor(new InvalidOperationException("boom")));
        Assert.Equal("error", s_builtIn.KeyFor(new AotBotException("generic")));
    }

    [Theory]
    [InlineData(HttpFailure.NotFound, "error_deleted")]
    [InlineData(HttpFailure.RateLimited, "error_rate_limit")]
    [InlineData(HttpFailure.TooLarge, "error_too_large")]
    [InlineData(HttpFailure.Forbidden, "error_network")]
    [InlineData(HttpFailure.NetworkError, "error_network")]
    public void I_get_a_key_for_each_kind_of_failed_request(HttpFailure failure, string key)
    {
        Assert.Equal(key, s_withHttp.KeyFor(new HttpFetchException(failure, "failed")));
    }

    [Fact]
    public void Http_and_Imaging_register_their_own_errors_in_the_host()
    {
        // Without them a failed request would read as the generic "error", not "error_deleted"/"error_network"
        Assert.Equal("error", s_builtIn.KeyFor(new HttpFetchException(HttpFailure.NotFound, "gone")));
        using var host = AotBotHost.CreateBuilder([], Stream.Null).Build();
        var map = host.Services.GetRequiredService<ErrorMap>();

        Assert.Equal("error_deleted", map.KeyFor(new HttpFetchException(HttpFailure.NotFound, "gone")));
        Assert.Equal("error_network", map.KeyFor(new HttpFetchException(HttpFailure.NetworkError, "down")));
        Assert.Contains(host.Services.GetServices<ErrorKey>(), key => key.ExceptionType == typeof(ImageConversionException) && key.Key == "error");
    }

    [Fact]
    public void A_source_registers_its_own_errors_and_a_later_registration_replaces_an_earlier_one()
    {
        // Arrange: the real host's registrations, plus one override
        var builder = AotBotHost.CreateBuilder([], Stream.Null);
        builder.Services.AddSingleton(new ErrorKey(typeof(NetworkException), "error_rate_limit"));
        using var host = builder.Build();
        var map = host.Services.GetRequiredService<ErrorMap>();

        // Act + Assert
        Assert.Equal("error_instagram_not_found", map.KeyFor(new InstagramNotFoundException("gone")));
        Assert.Equal("error_rate_limit", map.KeyFor(new NetworkException("down")));
    }

    [Fact]
    public void Every_registered_key_has_an_English_text()
    {
        var builder = AotBotHost.CreateBuilder([], Stream.Null);
        using var host = builder.Build();
        var english = LocaleParser.LoadEmbedded()["en"];

        foreach (var registration in host.Services.GetServices<ErrorKey>())
            Assert.True(english.ContainsKey(registration.Key), $"{registration.ExceptionType.Name} maps to {registration.Key}, which has no text");
    }
}
