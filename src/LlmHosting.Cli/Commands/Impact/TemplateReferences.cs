using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>A value a template expression reads at deploy time: another resource (Ref, Fn::GetAtt, Fn::Sub) or an export (Fn::ImportValue).</summary>
internal readonly record struct TemplateReference(string Target, bool IsImport);

/// <summary>
/// Finds the references inside a property value. Their values are only known at deploy time, so a property that
/// reads a replaced resource changes although its text does not (CloudFormation user guide, "Update behaviors of
/// stack resources": a replacement gets a new physical id, and references to it are updated).
/// </summary>
internal static partial class TemplateReferences
{
    /// <summary>True for an intrinsic function object (<c>{"Ref": ...}</c>, <c>{"Fn::Join": ...}</c>): compared as one value.</summary>
    public static bool IsIntrinsic(JsonObject value)
        => value.Count == 1 && value.First() is { Key: var key } && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal));

    /// <summary>Every reference inside <paramref name="node"/>, pseudo parameters (AWS::Region) included.</summary>
    public static IEnumerable<TemplateReference> Find(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count == 1 && obj["Ref"] is JsonValue target:
                yield return new((string)target!, IsImport: false);
                break;
            case JsonObject obj when obj.Count == 1 && obj.ContainsKey("Fn::GetAtt"):
                if (GetAttTarget(obj["Fn::GetAtt"]) is { } resource)
                {
                    yield return new(resource, IsImport: false);
                }

                break;
            case JsonObject obj when obj.Count == 1 && obj["Fn::ImportValue"] is JsonValue export:
                yield return new((string)export!, IsImport: true);
                break;
            case JsonObject obj when obj.Count == 1 && obj.ContainsKey("Fn::Sub"):
                foreach (var reference in SubReferences(obj["Fn::Sub"]))
                {
                    yield return reference;
                }

                break;
            case JsonObject obj:
                foreach (var reference in obj.SelectMany(p => Find(p.Value)))
                {
                    yield return reference;
                }

                break;
            case JsonArray array:
                foreach (var reference in array.SelectMany(Find))
                {
                    yield return reference;
                }

                break;
        }
    }

    private static string? GetAttTarget(JsonNode? arguments) => arguments switch
    {
        JsonArray { Count: > 0 } array when array[0] is JsonValue name => (string)name!,
        JsonValue dotted when (string?)dotted is { } text => text.Split('.')[0],
        _ => null,
    };

    // Fn::Sub "${Name}" or "${Name.Attribute}"; "${!Literal}" is escaped text, and names defined in the variable map
    // of the list form are local.
    private static IEnumerable<TemplateReference> SubReferences(JsonNode? arguments)
    {
        var (text, variables) = arguments switch
        {
            JsonValue value => ((string?)value, null),
            JsonArray { Count: 2 } array => ((string?)array[0], array[1] as JsonObject),
            _ => (null, null),
        };
        if (text is null)
        {
            yield break;
        }

        foreach (Match match in SubVariable().Matches(text))
        {
            var name = match.Groups[1].Value.Split('.')[0];
            if (variables?.ContainsKey(match.Groups[1].Value) != true && variables?.ContainsKey(name) != true)
            {
                yield return new(name, IsImport: false);
            }
        }

        if (variables is not null)
        {
            foreach (var reference in variables.SelectMany(v => Find(v.Value)))
            {
                yield return reference;
            }
        }
    }

    [GeneratedRegex(@"\$\{([^!}][^}]*)\}")]
    private static partial Regex SubVariable();
}
