using System.Text.Json.Nodes;
using AotBot.Sources.Instagram;

namespace AotBot.Tests.Sources.Instagram;

/// <summary>Each keyless path's reader on the shapes Instagram answers, and on missing, null and extra fields.</summary>
public sealed class InstagramReaderSpecs
{
    private const string Video = "https://scontent.cdninstagram.com/v/reel.mp4?oh=1";
    private const string Image = "https://scontent.cdninstagram.com/v/photo.jpg?oh=1";

    private static string AppInfo(string items) => $$$"""{"items":[{{{items}}}],"num_results":1,"status":"ok","unknown":{"x":[1,2]}}""";

    private const string AppVideo = $$$"""
        {"media_type":2,"video_duration":7.25,"video_versions":[{"url":"{{{Video}}}","width":720,"height":1280},{"url":"https://x.cdninstagram.com/small.mp4","width":480,"height":854}],
         "image_versions2":{"candidates":[{"url":"{{{Image}}}","width":720,"height":1280}]},"caption":{"text":"hello"},"user":{"username":"someone","full_name":"Some One"}}
        """;

    [Fact]
    public void The_app_api_reader_reads_a_reel_with_its_size_duration_cover_caption_and_author()
    {
        // Act
        var answer = InstagramAppApi.ReadInfo(AppInfo(AppVideo));

        // Assert
        Assert.Equal(InstagramOutcome.Ok, answer.Outcome);
        var item = Assert.Single(answer.Post!.Items);
        Assert.Equal(new InstagramItem(true, new Uri(Video), 720, 1280, 7.25, new Uri(Image)), item);
        Assert.Equal(("hello", "someone", "Some One"), (answer.Post.Caption, answer.Post.Username, answer.Post.FullName));
    }

    [Fact]
    public void The_app_api_reader_keeps_a_carousel_in_order_and_takes_the_widest_image()
    {
        // Arrange
        var carousel = $$$"""
            {"media_type":8,"caption":null,"user":null,"carousel_media":[
              {"media_type":1,"image_versions2":{"candidates":[{"url":"https://x.cdninstagram.com/small.jpg","width":320},{"url":"{{{Image}}}","width":1080,"height":1350}]}},
              {"media_type":2,"video_versions":[{"url":"{{{Video}}}"}]},
              {"image_versions2":{"candidates":[{"url":"https://x.cdninstagram.com/3.jpg","width":"640","height":"800","extra":true}]}}]}
            """;

        // Act
        var post = InstagramAppApi.ReadInfo(AppInfo(carousel)).Post!;

        // Assert
        Assert.Equal([Image, Video, "https://x.cdninstagram.com/3.jpg"], post.Items.Select(item => item.Url.AbsoluteUri));
        Assert.Equal([false, true, false], post.Items.Select(item => item.IsVideo));
        Assert.Equal([1080, null, 640], post.Items.Select(item => item.Width));
        Assert.Null(post.Caption);
        Assert.Null(post.Username);
    }

    [Theory]
    [InlineData("""{"items":[]}""")]
    [InlineData("""{"items":null}""")]
    [InlineData("""{"status":"ok"}""")]
    [InlineData("""{"items":[{"media_type":2,"video_versions":null,"image_versions2":{"candidates":[{"url":"https://x.cdninstagram.com/c.jpg"}]}}]}""")]
    [InlineData("""{"items":[{"media_type":8,"carousel_media":[{"media_type":1,"image_versions2":{"candidates":[{"url":"https://x.cdninstagram.com/c.jpg"}]}},{"media_type":1}]}]}""")]
    [InlineData("""{"items":[{"media_type":1,"image_versions2":{"candidates":[{"url":"javascript:alert(1)"}]}}]}""")]
    [InlineData("<html>not json</html>")]
    [InlineData("")]
    public void The_app_api_reader_finds_no_media_in_an_answer_missing_a_file(string body)
    {
        Assert.Equal(new InstagramAnswer(InstagramOutcome.NoMedia), InstagramAppApi.ReadInfo(body));
    }

    [Theory]
    [InlineData("""{"message":"Media not found or unavailable","status":"fail"}""", "NotFound")]
    [InlineData("""{"message":"Media is private","status":"fail"}""", "Private")]
    [InlineData("""{"message":"login_required","require_login":true,"status":"fail"}""", "LoginRedirect")]
    public void The_app_api_reader_tells_why_a_post_is_refused(string body, string expected)
    {
        Assert.Equal(Enum.Parse<InstagramOutcome>(expected), InstagramAppApi.ReadInfo(body).Outcome);
    }

    [Theory]
    [InlineData("""{"media_id":"3328550725065910084_25025320","author_name":"x"}""", "3328550725065910084")]
    [InlineData("""{"media_id":3328550725065910084}""", "3328550725065910084")]
    [InlineData("""{"media_id":null}""", null)]
    [InlineData("""{"media_id":"abc_1"}""", null)]
    [InlineData("""{}""", null)]
    [InlineData("nope", null)]
    public void The_oembed_reader_reads_the_media_id(string body, string? expected)
    {
        Assert.Equal(expected, InstagramAppApi.ReadOembedMediaId(body));
    }

    private static string EmbedPage(JsonNode context) => EmbedPage(context.ToJsonString());

    private static string EmbedPage(string contextJson) =>
        "<html><script>s.handle(" + new JsonObject
        {
            ["require"] = new JsonArray(new JsonArray("PolarisEmbedSimple", "init", new JsonArray(),
                new JsonArray(new JsonObject { ["contextJSON"] = contextJson, ["other"] = 1 }))),
        }.ToJsonString() + ");</script></html>";

    private static JsonObject Node(bool video, bool withVideoUrl = true)
    {
        var node = new JsonObject
        {
            ["__typename"] = video ? "GraphVideo" : "GraphImage",
            ["is_video"] = video,
            ["display_url"] = Image,
            ["dimensions"] = new JsonObject { ["width"] = 1080, ["height"] = 1350 },
            ["unknown_field"] = "ignored",
        };
        if (video && withVideoUrl) node["video_url"] = Video;
        return node;
    }

    [Fact]
    public void The_embed_reader_reads_shortcode_media_out_of_context_json_with_its_caption_and_owner()
    {
        // Arrange
        var media = Node(video: true);
        media["video_duration"] = 3.5;
        media["owner"] = new JsonObject { ["username"] = "someone" };
        media["edge_media_to_caption"] = new JsonObject { ["edges"] = new JsonArray(new JsonObject { ["node"] = new JsonObject { ["text"] = "say \"hi\" </script>" } }) };

        // Act
        var answer = InstagramEmbedPage.Read(EmbedPage(new JsonObject { ["gql_data"] = new JsonObject { ["shortcode_media"] = media } }));

        // Assert
        Assert.Equal(InstagramOutcome.Ok, answer.Outcome);
        Assert.Equal(new InstagramItem(true, new Uri(Video), 1080, 1350, 3.5, new Uri(Image)), Assert.Single(answer.Post!.Items));
        Assert.Equal(("say \"hi\" </script>", "someone", null), (answer.Post.Caption, answer.Post.Username, answer.Post.FullName));
    }

    [Fact]
    public void The_embed_reader_reads_an_album_in_order()
    {
        var album = new JsonObject
        {
            ["__typename"] = "GraphSidecar",
            ["edge_sidecar_to_children"] = new JsonObject
            {
                ["edges"] = new JsonArray(new JsonObject { ["node"] = Node(false) }, new JsonObject { ["node"] = Node(true) }),
            },
        };

        var post = InstagramEmbedPage.Read(EmbedPage(new JsonObject { ["gql_data"] = new JsonObject { ["shortcode_media"] = album } })).Post!;

        Assert.Equal([false, true], post.Items.Select(item => item.IsVideo));
        Assert.Equal([Image, Video], post.Items.Select(item => item.Url.AbsoluteUri));
    }

    [Fact]
    public void The_embed_reader_refuses_an_album_whose_video_lacks_its_url_so_the_next_path_is_tried()
    {
        var album = new JsonObject
        {
            ["__typename"] = "GraphSidecar",
            ["edge_sidecar_to_children"] = new JsonObject
            {
                ["edges"] = new JsonArray(new JsonObject { ["node"] = Node(false) }, new JsonObject { ["node"] = Node(true, withVideoUrl: false) }),
            },
        };

        var answer = InstagramEmbedPage.Read(EmbedPage(new JsonObject { ["gql_data"] = new JsonObject { ["shortcode_media"] = album } }));

        Assert.Equal(new InstagramAnswer(InstagramOutcome.NoMedia), answer);
    }

    [Theory]
    [InlineData("""{"context":{},"gql_data":null}""")]
    [InlineData("""{"gql_data":{"shortcode_media":null}}""")]
    [InlineData("""{"gql_data":{}}""")]
    [InlineData("""not json""")]
    [InlineData(null)]
    public void The_embed_reader_finds_no_media_in_a_page_without_it(string? context)
    {
        var html = context is null ? "<html><body>Login • Instagram</body></html>" : EmbedPage(context);

        Assert.Equal(InstagramOutcome.NoMedia, InstagramEmbedPage.Read(html).Outcome);
    }

    [Theory]
    [InlineData("""{"data":{"xig_polaris_media":{"if_not_gated_logged_out":{"items":[ITEM]}}},"extensions":{"is_final":true}}""")]
    [InlineData("""{"data":{"xdt_api__v1__media__shortcode__web_info":{"items":[ITEM]}},"status":"ok"}""")]
    [InlineData("""{"data":{"xdt_shortcode_media":{"__typename":"XDTGraphVideo","is_video":true,"video_url":"VIDEO","display_url":"IMAGE","dimensions":{"width":720,"height":1280}}}}""")]
    public void The_graphql_reader_reads_each_doc_shape(string template)
    {
        // Arrange
        var body = template.Replace("ITEM", AppVideo, StringComparison.Ordinal).Replace("VIDEO", Video, StringComparison.Ordinal)
            .Replace("IMAGE", Image, StringComparison.Ordinal);

        // Act
        var answer = InstagramGraphql.Read(body);

        // Assert
        Assert.Equal(InstagramOutcome.Ok, answer.Outcome);
        var item = Assert.Single(answer.Post!.Items);
        Assert.Equal((true, Video, 720, 1280), (item.IsVideo, item.Url.AbsoluteUri, item.Width, item.Height));
    }

    [Theory]
    [InlineData("""{"data":{"xig_polaris_media":{"if_not_gated_logged_out":null}}}""", "Private")]
    [InlineData("""{"data":{"xdt_shortcode_media":null},"status":"ok"}""", "NotFound")]
    [InlineData("""{"data":{"xig_polaris_media":null}}""", "NoMedia")]
    [InlineData("""{"data":{"xdt_api__v1__media__shortcode__web_info":{"items":[]}}}""", "NoMedia")]
    [InlineData("""{"data":null,"errors":[{"message":"doc_id"}]}""", "NoMedia")]
    [InlineData("""{"message":"Please wait a few minutes","require_login":true,"status":"fail"}""", "LoginRedirect")]
    [InlineData("<html><body>shell</body></html>", "NoMedia")]
    public void The_graphql_reader_tells_why_there_is_no_media(string body, string expected)
    {
        Assert.Equal(Enum.Parse<InstagramOutcome>(expected), InstagramGraphql.Read(body).Outcome);
    }

    [Fact]
    public void The_graphql_variables_follow_the_doc_id()
    {
        var shortcode = InstagramShortcode.TryParse("https://www.instagram.com/p/C4xYz_AbCdE/")!.Value;

        Assert.Equal("""{"media_id":"3328550725065910084"}""", InstagramGraphql.Variables("27130156389949648", shortcode));
        Assert.Equal("""{"shortcode":"C4xYz_AbCdE"}""", InstagramGraphql.Variables("8845758582119845", shortcode));
    }

    [Theory]
    [InlineData("""<script>x({"define":[["LSD",[],{"token":"AVq5uab"},323]]})</script>""", "AVq5uab")]
    [InlineData("""<script>["LSD",[],{}]</script>""", null)]
    [InlineData("", null)]
    public void The_lsd_token_is_read_from_a_page(string html, string? expected)
    {
        Assert.Equal(expected, InstagramGraphql.ReadLsd(html));
    }
}
