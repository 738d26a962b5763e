namespace LlmHosting.Cli.Tests;

/// <summary>A temporary working directory shaped like the repository root: <c>cdk/config/&lt;env&gt;.json</c> and output files.</summary>
internal sealed class Workspace : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("llmhost-workspace-");

    public string Root => _root.FullName;

    /// <summary>Writes <c>cdk/config/&lt;environment&gt;.json</c> with the name prefix and region the CLI reads.</summary>
    public void Environment(string environment, string namePrefix, string region)
    {
        var config = Path.Combine(Root, "cdk", "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, environment + ".json"), $$"""{ "account": "111111111111", "region": "{{region}}", "namePrefix": "{{namePrefix}}" }""");
    }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
