using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// One difference between the old and new value at <paramref name="Path"/>. <paramref name="Causes"/> names the
/// references whose deploy-time value changes (e.g. "GptOss20bModel is replaced"); a change can have causes and
/// the same text on both sides.
/// </summary>
internal sealed record PropertyChange(PropertyPath Path, JsonNode? Before, JsonNode? After, IReadOnlyList<string> Causes)
{
    private const int MaxValueLength = 60;

    /// <summary>"ProductionVariants[0].InstanceType: ml.g6e.xlarge → ml.g6e.2xlarge", or "...: new value (X is replaced)".</summary>
    public string Describe()
    {
        var values = (Before, After) switch
        {
            _ when JsonNode.DeepEquals(Before, After) => "new value",
            (null, _) => $"added {Show(After)}",
            (_, null) => $"removed (was {Show(Before)})",
            (JsonValue, JsonValue) => $"{Show(Before)} → {Show(After)}",
            _ => "changed",
        };
        return Causes.Count == 0 ? $"{Path}: {values}" : $"{Path}: {values} ({string.Join(", ", Causes)})";
    }

    private static string Show(JsonNode? value)
    {
        var text = value switch
        {
            JsonValue scalar when scalar.TryGetValue<string>(out var s) => s.Length == 0 ? "\"\"" : s,
            JsonValue scalar => scalar.ToJsonString(),
            JsonObject obj when TemplateReferences.IsIntrinsic(obj) => obj.First().Key + "(...)",
            JsonObject => "{...}",
            JsonArray array => $"[{array.Count} item(s)]",
            _ => "null",
        };
        return text.Length > MaxValueLength ? text[..(MaxValueLength - 3)] + "..." : text;
    }
}

/// <summary>Compares two property trees down to the smallest differing values.</summary>
internal static class PropertyDiff
{
    /// <param name="before">Old properties.</param>
    /// <param name="after">New properties.</param>
    /// <param name="causeOf">For a reference in the new template, why its value changes at deploy time, or null when it does not.</param>
    public static IReadOnlyList<PropertyChange> Compare(JsonNode? before, JsonNode? after, Func<TemplateReference, string?> causeOf)
    {
        var changes = new List<PropertyChange>();
        Walk(before, after, PropertyPath.Root, causeOf, changes);
        return changes;
    }

    private static void Walk(JsonNode? before, JsonNode? after, PropertyPath path, Func<TemplateReference, string?> causeOf, List<PropertyChange> changes)
    {
        if (before is JsonObject oldObject && after is JsonObject newObject && !TemplateReferences.IsIntrinsic(oldObject) && !TemplateReferences.IsIntrinsic(newObject))
        {
            foreach (var key in newObject.Select(p => p.Key).Concat(oldObject.Select(p => p.Key).Where(k => !newObject.ContainsKey(k))))
            {
                Walk(oldObject[key], newObject[key], path.Property(key), causeOf, changes);
            }

            return;
        }

        if (before is JsonArray oldArray && after is JsonArray newArray && oldArray.Count == newArray.Count)
        {
            for (var i = 0; i < newArray.Count; i++)
            {
                Walk(oldArray[i], newArray[i], path.Index(i), causeOf, changes);
            }

            return;
        }

        var causes = TemplateReferences.Find(after).Select(causeOf).OfType<string>().Distinct().ToList();
        if (causes.Count > 0 || !JsonNode.DeepEquals(before, after))
        {
            changes.Add(new PropertyChange(path, before, after, causes));
        }
    }
}
