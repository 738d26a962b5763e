using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// The one normalisation of synthesized templates: the snapshot tests (test/LlmHosting.App.Tests links this file)
/// write snapshots with it, and <c>llmhost impact</c> applies it to both sides, so that a snapshot and a fresh
/// cdk.out compare equal when only asset hashes differ.
/// </summary>
internal static partial class TemplateNormalizer
{
    /// <summary>What every asset hash becomes.</summary>
    public const string AssetHash = "<asset-hash>";

    /// <summary>
    /// Replaces values that change with unrelated edits (asset hashes, which follow the bytes of bundled code)
    /// and renders the template with stable indentation and line endings.
    /// </summary>
    public static string Normalize(string templateJson)
    {
        var node = JsonNode.Parse(templateJson)!;
        var text = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return AssetHashPattern().Replace(text, AssetHash).ReplaceLineEndings("\n") + "\n";
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex AssetHashPattern();
}
