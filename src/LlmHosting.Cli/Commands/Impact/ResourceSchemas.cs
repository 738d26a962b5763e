using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>What the CloudFormation resource schema of one type says about replacement.</summary>
/// <param name="CreateOnly">createOnlyProperties: changing any of them replaces the resource.</param>
/// <param name="ConditionallyCreateOnly">conditionalCreateOnlyProperties: changing them may replace it.</param>
/// <param name="NameProperty">The top-level create-only property that holds a custom physical name, if any.</param>
/// <param name="DeletesFirst">replacementStrategy delete_then_create: the old resource goes before the new one is made, so its name is free.</param>
internal sealed record TypeRules(IReadOnlyList<PropertyPath> CreateOnly, IReadOnlyList<PropertyPath> ConditionallyCreateOnly, string? NameProperty, bool DeletesFirst);

/// <summary>
/// Replacement rules of every resource type, from the CloudFormation resource schemas that cfn-lint ships
/// (<c>cfn-replacement-data.json</c>, written by <c>scripts/generate-impact-schemas</c>; a test compares it with the
/// installed cfn-lint).
/// </summary>
internal sealed class ResourceSchemas
{
    private const string ResourceName = "LlmHosting.Cli.Impact.cfn-replacement-data.json";

    private static readonly Lazy<ResourceSchemas> Embedded = new(Load);

    private readonly Dictionary<string, TypeRules> _types;

    private ResourceSchemas(string source, Dictionary<string, TypeRules> types)
    {
        Source = source;
        _types = types;
    }

    /// <summary>The schemas built into llmhost.</summary>
    public static ResourceSchemas Default => Embedded.Value;

    /// <summary>Where the data came from, e.g. "cfn-lint 1.51.0 resource schemas (us-east-1)".</summary>
    public string Source { get; }

    /// <summary>The rules of a type, or null when no schema knows it (custom resources, types newer than the data).</summary>
    public TypeRules? Find(string type) => _types.GetValueOrDefault(type);

    /// <summary>The embedded file's text, as the generator script wrote it.</summary>
    public static string EmbeddedText()
    {
        using var stream = typeof(ResourceSchemas).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"llmhost was built without its resource {ResourceName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static ResourceSchemas Load()
    {
        var root = JsonNode.Parse(EmbeddedText())!.AsObject();
        var types = root["types"]!.AsObject().ToDictionary(
            t => t.Key,
            t => new TypeRules(
                Paths(t.Value!["createOnly"]),
                Paths(t.Value!["conditionalCreateOnly"]),
                (string?)t.Value!["name"],
                (string?)t.Value!["replacement"] == "delete_then_create"),
            StringComparer.Ordinal);
        return new ResourceSchemas((string)root["source"]!, types);
    }

    private static PropertyPath[] Paths(JsonNode? pointers)
        => pointers is JsonArray array ? array.Select(p => PropertyPath.FromSchemaPointer((string)p!)).ToArray() : [];
}
