using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>One stack's normalised template.</summary>
/// <param name="Environment">The stage (environment) name, "" for a stack outside any stage.</param>
/// <param name="Stack">The stack's id within its stage (<c>Serving</c>).</param>
internal sealed record StackTemplate(string Environment, string Stack, JsonObject Template, string File);

/// <summary>
/// The stacks of a synthesized app, read from a cloud assembly (cdk.out: manifest.json, nested
/// <c>assembly-&lt;env&gt;/</c> stage assemblies, stack artifacts whose displayName is <c>dev/Serving</c>) or from a
/// snapshot folder (<c>&lt;env&gt;.&lt;stack&gt;.template.json</c>). Both go through <see cref="TemplateNormalizer"/>.
/// </summary>
internal sealed record TemplateSet(string Label, IReadOnlyList<StackTemplate> Stacks)
{
    private const string Manifest = "manifest.json";
    private const string TemplateSuffix = ".template.json";

    /// <summary>Reads <paramref name="directory"/>; a problem is a <see cref="CliException"/> that names the path.</summary>
    public static TemplateSet Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw Unreadable(directory, "no such directory");
        }

        if (File.Exists(Path.Combine(directory, Manifest)))
        {
            var stacks = new List<StackTemplate>();
            ReadAssembly(directory, stacks, depth: 0);
            return Checked(directory, $"{directory} (cloud assembly)", stacks);
        }

        var files = Directory.GetFiles(directory, "*" + TemplateSuffix).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw Unreadable(directory, $"neither a cloud assembly (no {Manifest}) nor a snapshot folder (no <environment>.<stack>{TemplateSuffix} files)");
        }

        return Checked(directory, $"{directory} (snapshots)", files.Select(SnapshotStack).ToList());
    }

    private static StackTemplate SnapshotStack(string file)
    {
        var name = Path.GetFileName(file)[..^TemplateSuffix.Length];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == name.Length - 1)
        {
            throw Unreadable(file, $"a snapshot's name must be <environment>.<stack>{TemplateSuffix}");
        }

        return new StackTemplate(name[..dot], name[(dot + 1)..], ReadTemplate(file), file);
    }

    // Stages are nested cloud assemblies; a stage inside a stage nests again, so the depth is bounded, not fixed.
    private static void ReadAssembly(string directory, List<StackTemplate> stacks, int depth)
    {
        var manifestPath = Path.Combine(directory, Manifest);
        if (depth > 8)
        {
            throw Unreadable(manifestPath, "cloud assemblies nested more than 8 levels deep");
        }

        var artifacts = ParseObject(manifestPath)["artifacts"] as JsonObject ?? [];
        foreach (var (id, artifact) in artifacts)
        {
            var properties = artifact?["properties"] as JsonObject;
            switch ((string?)artifact?["type"])
            {
                case "cdk:cloud-assembly":
                    var nested = (string?)properties?["directoryName"] ?? throw Unreadable(manifestPath, $"artifacts.{id}.properties.directoryName is missing");
                    var nestedDirectory = Path.Combine(directory, nested);
                    if (!File.Exists(Path.Combine(nestedDirectory, Manifest)))
                    {
                        throw Unreadable(Path.Combine(nestedDirectory, Manifest), $"missing (named by artifacts.{id} of {manifestPath})");
                    }

                    ReadAssembly(nestedDirectory, stacks, depth + 1);
                    break;
                case "aws:cloudformation:stack":
                    var templateFile = (string?)properties?["templateFile"] ?? throw Unreadable(manifestPath, $"artifacts.{id}.properties.templateFile is missing");
                    var displayName = (string?)artifact!["displayName"] ?? id;
                    var slash = displayName.LastIndexOf('/');
                    var file = Path.Combine(directory, templateFile);
                    stacks.Add(new StackTemplate(slash < 0 ? "" : displayName[..slash], displayName[(slash + 1)..], ReadTemplate(file), file));
                    break;
            }
        }
    }

    private static JsonObject ReadTemplate(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, e.Message);
        }

        try
        {
            if (JsonNode.Parse(text) is not JsonObject)
            {
                throw Unreadable(file, "not a JSON object");
            }
        }
        catch (JsonException e)
        {
            throw Unreadable(file, $"not valid JSON ({e.Message})");
        }

        var template = JsonNode.Parse(TemplateNormalizer.Normalize(text))!.AsObject();

        if (template["Resources"] is { } resources && resources is not JsonObject)
        {
            throw Unreadable(file, "Resources is not an object");
        }

        foreach (var (id, resource) in template["Resources"] as JsonObject ?? [])
        {
            if ((resource as JsonObject)?["Type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
            {
                throw Unreadable(file, $"Resources.{id} has no Type");
            }
        }

        return template;
    }

    private static JsonObject ParseObject(string file)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw Unreadable(file, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw Unreadable(file, $"not valid JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, e.Message);
        }
    }

    private static TemplateSet Checked(string directory, string label, List<StackTemplate> stacks)
    {
        var duplicate = stacks.GroupBy(s => (s.Environment, s.Stack)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Unreadable(directory, $"stack {duplicate.Key.Environment}/{duplicate.Key.Stack} appears twice ({string.Join(", ", duplicate.Select(s => s.File))})");
        }

        if (stacks.Count == 0)
        {
            throw Unreadable(directory, "the cloud assembly holds no stack");
        }

        return new TemplateSet(label, stacks);
    }

    private static CliException Unreadable(string path, string problem) => new($"{path}: {problem}", ExitCodes.Usage);
}
