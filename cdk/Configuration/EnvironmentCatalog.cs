using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmHosting.App.Configuration;

/// <summary>
/// The environments of the app, one JSON file each (<c>cdk/config/&lt;name&gt;.json</c>), loaded and validated
/// once at start-up. Every mistake becomes a <see cref="ConfigurationException"/> with a one-line message.
/// </summary>
public sealed class EnvironmentCatalog
{
    private static readonly Regex EnvironmentName = new("^[a-z][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        RespectNullableAnnotations = true,
    };

    private EnvironmentCatalog(IReadOnlyList<EnvironmentConfig> environments) => Environments = environments;

    /// <summary>Every environment, ordered by name.</summary>
    public IReadOnlyList<EnvironmentConfig> Environments { get; }

    /// <summary>Loads and validates every <c>*.json</c> file of a folder.</summary>
    /// <param name="directory">Folder holding one file per environment.</param>
    /// <param name="displayDirectory">How the folder is named in messages, for example <c>cdk/config</c>.</param>
    public static EnvironmentCatalog Load(string directory, string displayDirectory = "cdk/config")
    {
        if (!Directory.Exists(directory))
        {
            throw new ConfigurationException($"No environment configuration folder at {displayDirectory}.");
        }

        var files = Directory.GetFiles(directory, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new ConfigurationException($"No environment configuration in {displayDirectory}: add a <name>.json file per environment.");
        }

        var environments = files
            .Select(f => Parse(Path.GetFileNameWithoutExtension(f), File.ReadAllText(f), $"{displayDirectory}/{Path.GetFileName(f)}", directory))
            .ToList();
        return new EnvironmentCatalog(environments);
    }

    /// <summary>Parses and validates one environment's JSON text.</summary>
    /// <param name="name">The environment name.</param>
    /// <param name="json">The file's content.</param>
    /// <param name="source">Where the text came from, for messages.</param>
    /// <param name="configDirectory">The folder weights manifests are read from; null when the text comes from elsewhere.</param>
    public static EnvironmentConfig Parse(string name, string json, string source, string? configDirectory = null)
    {
        if (!EnvironmentName.IsMatch(name))
        {
            throw new ConfigurationException(
                $"Invalid environment name '{name}' ({source}): use 1-32 lower-case letters, digits or hyphens, starting with a letter.");
        }

        EnvironmentConfig? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<EnvironmentConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"Invalid configuration for environment '{name}' ({source}): {Describe(e)}.");
        }

        if (parsed is null)
        {
            throw new ConfigurationException($"Invalid configuration for environment '{name}' ({source}): the file holds null, not an object.");
        }

        var config = parsed with { Name = name };
        var problems = new List<string>();
        config.Validate(problems);
        config.ReadManifests(configDirectory, problems);
        if (problems.Count > 0)
        {
            throw new ConfigurationException($"Invalid configuration for environment '{name}' ({source}): {string.Join("; ", problems)}.");
        }

        return config;
    }

    /// <summary>
    /// The environments to synthesize: all of them when <paramref name="selection"/> is empty, otherwise the
    /// one named (the <c>env</c> context value, <c>cdk synth -c env=prod</c>).
    /// </summary>
    /// <param name="selection">An environment name, or null or empty for every environment.</param>
    public IReadOnlyList<EnvironmentConfig> Select(string? selection)
    {
        if (string.IsNullOrWhiteSpace(selection))
        {
            return Environments;
        }

        return Environments.FirstOrDefault(e => e.Name == selection) is { } match
            ? [match]
            : throw new ConfigurationException(
                $"Unknown environment '{selection}'. Known environments: {string.Join(", ", Environments.Select(e => e.Name))}.");
    }

    private static string Describe(JsonException e)
    {
        var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $"at {e.Path.TrimStart('$', '.')}: ";
        // System.Text.Json messages end with "Path: ... | LineNumber: ..."; keep only the sentence.
        var message = e.Message.Split(" Path:", 2)[0].TrimEnd('.');
        return where + message;
    }
}
