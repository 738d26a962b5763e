using System.Text.RegularExpressions;
using LlmHosting.App.Configuration.Json;

namespace LlmHosting.App.Configuration;

/// <summary>
/// The environments of the app, one JSON file each (<c>cdk/config/&lt;name&gt;.json</c>), loaded and validated
/// once at start-up. Every mistake of every file becomes a line of one <see cref="ConfigurationException"/>.
/// </summary>
public sealed class EnvironmentCatalog
{
    private static readonly Regex EnvironmentName = new("^[a-z][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant);

    private EnvironmentCatalog(IReadOnlyList<EnvironmentConfig> environments) => Environments = environments;

    /// <summary>Every environment, ordered by name.</summary>
    public IReadOnlyList<EnvironmentConfig> Environments { get; }

    /// <summary>
    /// Loads and validates every <c>*.json</c> file of a folder, and checks that environments in one account do not
    /// make the same names.
    /// </summary>
    /// <param name="directory">Folder holding one file per environment.</param>
    /// <param name="displayDirectory">How the folder is named in messages, for example <c>cdk/config</c>.</param>
    public static EnvironmentCatalog Load(string directory, string displayDirectory = "cdk/config")
    {
        if (!Directory.Exists(directory))
        {
            throw new ConfigurationException(
                $"No environment configuration folder {displayDirectory} at {Path.GetFullPath(directory)}: run the app in the folder of cdk.json, as the CDK CLI does.");
        }

        // The pipeline's file lies beside the environments' and is read by PipelineConfig.
        var files = Directory.GetFiles(directory, "*.json")
            .Where(f => Path.GetFileName(f) != PipelineConfig.FileName)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new ConfigurationException($"No environment configuration in {displayDirectory}: add a <name>.json file per environment.");
        }

        var environments = new List<EnvironmentConfig>();
        var lines = new List<string>();
        foreach (var file in files)
        {
            try
            {
                environments.Add(Parse(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file), $"{displayDirectory}/{Path.GetFileName(file)}", directory));
            }
            catch (ConfigurationException e)
            {
                lines.AddRange(e.Lines);
            }
        }

        PhysicalNames.CheckBetween(environments, lines);
        return lines.Count > 0 ? throw new ConfigurationException(lines) : new EnvironmentCatalog(environments);
    }

    /// <summary>Parses and validates one environment's JSON text.</summary>
    /// <param name="name">The environment name.</param>
    /// <param name="json">The file's content.</param>
    /// <param name="source">Where the text came from, for messages.</param>
    /// <param name="configDirectory">The folder weights manifests are read from; null when the text comes from elsewhere.</param>
    public static EnvironmentConfig Parse(string name, string json, string source, string? configDirectory = null)
    {
        var problems = new List<string>();
        if (!EnvironmentName.IsMatch(name))
        {
            problems.Add($"the environment name '{name}' (the file name) must be 1-32 lower-case letters, digits or hyphens, starting with a letter");
        }
        else if (name == PipelineConfig.ReservedName)
        {
            problems.Add($"the environment name '{name}' is reserved: {PipelineConfig.FileName} configures the delivery pipeline");
        }

        var parsed = ConfigJson.Read<EnvironmentConfig>(json, problems);
        ConfigurationException.ThrowIfAny(source, problems);

        var config = parsed! with { Name = name, Source = source };
        config.Validate(problems);
        config.ReadManifests(configDirectory, problems);
        if (problems.Count == 0)
        {
            PhysicalNames.CheckWithin(config, problems);
        }

        ConfigurationException.ThrowIfAny(source, problems);
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

        if (selection == PipelineConfig.ReservedName)
        {
            throw new ConfigurationException(
                $"'{selection}' is the delivery pipeline ({PipelineConfig.FileName}), not an environment: synthesize without -c env to get its stack. Known environments: {string.Join(", ", Environments.Select(e => e.Name))}.");
        }

        return Environments.FirstOrDefault(e => e.Name == selection) is { } match
            ? [match]
            : throw new ConfigurationException(
                $"Unknown environment '{selection}'. Known environments: {string.Join(", ", Environments.Select(e => e.Name))}.");
    }
}
