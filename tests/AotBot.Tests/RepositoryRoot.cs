namespace AotBot.Tests;

/// <summary>The checkout the tests run from: the folder holding AotBot.sln, found upwards from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AotBot.sln"))) return dir.FullName;
        throw new InvalidOperationException("AotBot.sln not found above " + AppContext.BaseDirectory);
    }
}
