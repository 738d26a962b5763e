namespace LlmHosting.App.Tests;

/// <summary>
/// The source tree the tests run from. Tests read the environments where people edit them (<c>cdk/config</c>) and the
/// feature flags from <c>cdk.json</c>, as the app does when the CDK CLI runs it there; the build output holds no copy.
/// </summary>
public static class Repository
{
    private static readonly Lazy<string> FoundRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "cdk.json")) && Directory.Exists(Path.Combine(directory.FullName, "cdk", "config")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No cdk.json with cdk/config beside it above {AppContext.BaseDirectory}");
    });

    /// <summary>The folder of cdk.json: where the CDK CLI runs the app.</summary>
    public static string Root => FoundRoot.Value;

    /// <summary>The environment files, <c>cdk/config</c>.</summary>
    public static string ConfigDirectory => Path.Combine(Root, "cdk", "config");

    /// <summary>The path of one environment file, for example <c>ConfigFile("dev.json")</c>.</summary>
    public static string ConfigFile(string fileName) => Path.Combine(ConfigDirectory, fileName);
}
