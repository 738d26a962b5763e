namespace LlmHosting.Cli.Commands;

/// <summary>
/// The environment files the commands read (<c>cdk/config/&lt;env&gt;.json</c> under the working directory, the same
/// files the app synthesizes), and the one message for a name that has none.
/// </summary>
internal static class EnvironmentFiles
{
    public static string ConfigDirectory(ClientDependencies dependencies) => Path.Combine(dependencies.WorkingDirectory, "cdk", "config");

    public static string PathOf(string environment, string configDirectory) => Path.Combine(configDirectory, environment + ".json");

    /// <summary>The environments of <paramref name="configDirectory"/>: one per <c>*.json</c> file directly in it (manifests live in subfolders).</summary>
    public static IReadOnlyList<string> Known(string configDirectory) => Directory.Exists(configDirectory)
        ? Directory.GetFiles(configDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>
    /// The error for an environment without a file, worded like the app's (<c>Unknown environment 'prodd'. Known
    /// environments: dev, prod, staging.</c>); <paramref name="alternative"/> ends it with what else the user may pass.
    /// </summary>
    public static CliException Unknown(string environment, string configDirectory, string alternative)
    {
        var known = Known(configDirectory);
        return new CliException(known.Count == 0
            ? $"Unknown environment '{environment}': there is no environment file in {configDirectory}. Run llmhost from the repository root (where cdk/config is), {alternative}."
            : $"Unknown environment '{environment}'. Known environments: {string.Join(", ", known)} (the files of {configDirectory}); {alternative}.");
    }
}
