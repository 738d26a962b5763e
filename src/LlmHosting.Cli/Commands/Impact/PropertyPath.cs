using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// A place inside a resource's <c>Properties</c>: property names, and array indexes written <c>[0]</c>. Create-only
/// pointers of the resource schemas (<c>/properties/ProductionVariants/*/ModelName</c>) become patterns in which
/// <c>*</c> stands for any index or key.
/// </summary>
internal sealed class PropertyPath
{
    /// <summary>The pattern segment that matches any array index or object key (JSON pointer wildcard of the schemas).</summary>
    public const string Wildcard = "*";

    private const string PropertiesPrefix = "/properties/";

    /// <summary>The resource's Properties object itself.</summary>
    public static readonly PropertyPath Root = new([]);

    private PropertyPath(IReadOnlyList<string> segments) => Segments = segments;

    /// <summary>Property names, <c>[i]</c> array indexes, and in patterns <see cref="Wildcard"/>.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The path of property <paramref name="name"/> below this one.</summary>
    public PropertyPath Property(string name) => new([.. Segments, name]);

    /// <summary>The path of array item <paramref name="index"/> below this one.</summary>
    public PropertyPath Index(int index) => new([.. Segments, $"[{index}]"]);

    /// <summary>A schema pointer such as <c>/properties/ProductionVariants/*/ModelName</c> (RFC 6901 escapes undone).</summary>
    public static PropertyPath FromSchemaPointer(string pointer)
    {
        if (!pointer.StartsWith(PropertiesPrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"'{pointer}' does not start with {PropertiesPrefix}");
        }

        return new(pointer[PropertiesPrefix.Length..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray());
    }

    /// <summary>True when this concrete path lies at or below <paramref name="pattern"/>.</summary>
    public bool IsWithin(PropertyPath pattern)
        => Segments.Count >= pattern.Segments.Count && PrefixMatches(pattern, pattern.Segments.Count);

    /// <summary>True when <paramref name="pattern"/> lies strictly below this concrete path (a change here is coarser than it).</summary>
    public bool Contains(PropertyPath pattern)
        => Segments.Count < pattern.Segments.Count && PrefixMatches(pattern, Segments.Count);

    /// <summary>Every value the pattern selects in <paramref name="root"/>, in document order.</summary>
    public IReadOnlyList<JsonNode?> Select(JsonNode? root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var segment in Segments)
        {
            current = current.SelectMany(node => Step(node, segment)).ToList();
        }

        return current.ToList();
    }

    /// <summary>Readable form: <c>ProductionVariants[0].InstanceType</c>.</summary>
    public override string ToString()
        => Segments.Count == 0 ? "(all properties)" : string.Concat(Segments.Select((s, i) => i == 0 || s.StartsWith('[') ? s : "." + s));

    private bool PrefixMatches(PropertyPath pattern, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var wanted = pattern.Segments[i];
            var actual = Segments[i];
            if (wanted != Wildcard && wanted != actual && $"[{wanted}]" != actual)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<JsonNode?> Step(JsonNode? node, string segment) => node switch
    {
        JsonArray array when segment == Wildcard => array,
        JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => [array[index]],
        JsonObject obj when segment == Wildcard => obj.Select(p => p.Value),
        JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => [child],
        _ => [],
    };
}
