namespace AotBot.Tests.Sources.TestData;

/// <summary>Named TikTok links and ids, in every form users paste.</summary>
internal static class TikTokLinks
{
    public const string VideoId = "7350810998023949599";
    public const string PhotoId = "7351234567890123456";

    public const string Video = "https://www.tiktok.com/@dancer.jane/video/7350810998023949599";
    public const string VideoFromWebApp = "https://www.tiktok.com/@dancer.jane/video/7350810998023949599?is_from_webapp=1&sender_device=pc";
    public const string VideoAnyUser = "https://www.tiktok.com/@_/video/7350810998023949599";
    public const string MobileVideo = "https://m.tiktok.com/@dancer.jane/video/7350810998023949599";
    public const string Photo = "https://www.tiktok.com/@dancer.jane/photo/7351234567890123456";
    public const string MobileV = "https://m.tiktok.com/v/7350810998023949599.html";
    public const string MobileVWithoutHtml = "https://m.tiktok.com/v/7350810998023949599";
    public const string Embed = "https://www.tiktok.com/embed/v2/7350810998023949599";
    public const string EmbedV1 = "https://www.tiktok.com/embed/7350810998023949599";
    public const string Share = "https://www.tiktok.com/share/video/7350810998023949599";
    public const string ItemIdQuery = "https://www.tiktok.com/@dancer.jane?item_id=7350810998023949599";
    public const string ShareItemIdQuery = "https://www.tiktok.com/node/share/video?lang=en&share_item_id=7350810998023949599&u_code=abc";
    public const string WithoutScheme = "www.tiktok.com/@dancer.jane/video/7350810998023949599";
    public const string Http = "http://tiktok.com/@dancer.jane/video/7350810998023949599";

    public const string ShortVm = "https://vm.tiktok.com/ZMhvqKo7x/";
    public const string ShortVt = "https://vt.tiktok.com/ZSFxJ3abc/";
    public const string ShortT = "https://www.tiktok.com/t/ZTRav7308/";

    public const string Profile = "https://www.tiktok.com/@dancer.jane";
    public const string Home = "https://www.tiktok.com/";
    public const string OtherSite = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
    public const string LookAlikeHost = "https://www.tiktok.com.evil.example/@a/video/7350810998023949599";
}
