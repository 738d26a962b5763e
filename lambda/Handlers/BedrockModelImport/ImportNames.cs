using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmHosting.Rules;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>
/// The names and tokens of an import. The imported model's name derives from what every later request about the same
/// resource carries (stack id, logical id, and the properties that define the model's content), not from the request
/// id: when the Provider framework gives up on a job that is still running, the next attempt (a retried create with a
/// new request id, the rollback's delete, a rollback update) finds that job or its model by name. A change of content
/// gives a new name, so that a replacement imports next to the model it replaces.
/// </summary>
internal static partial class ImportNames
{
    /// <summary>Length of the suffix that tells the imports of one base name apart (the shared imported-model name rule).</summary>
    internal const int SuffixLength = ImportedModelNameRules.SuffixLength;

    /// <summary>Longest ModelName: Bedrock allows 63 characters, the suffix takes a hyphen and <see cref="SuffixLength"/>.</summary>
    internal const int MaxModelNameLength = ImportedModelNameRules.MaxBaseLength;

    /// <summary>The resource properties that define what is imported: a change of any of them is a new import.</summary>
    internal static readonly IReadOnlyList<string> ContentProperties = ["ModelName", "S3Uri", "WeightsFingerprint"];

    // botocore's bedrock model (JobName): 1-63 characters. The job name carries the base name (shortened to fit),
    // the content key that ListModelImportJobs' nameContains finds, and the request's own suffix, so that every
    // attempt has a name of its own even when a later deployment imports the same content again.
    private const int MaxJobNameLength = 63;
    private const int JobBaseNameLength = MaxJobNameLength - 2 * (1 + SuffixLength);

    /// <summary>
    /// The content key: the first <see cref="SuffixLength"/> hex digits of SHA-256 over the stack id, the logical id and
    /// the <see cref="ContentProperties"/>. The same for every request about the same content of the same resource.
    /// </summary>
    public static string ContentKey(JsonObject request, JsonObject properties)
    {
        var parts = new[] { Required(request, "StackId"), Required(request, "LogicalResourceId") }
            .Concat(ContentProperties.Select(p => (string?)properties[p] ?? ""));
        return Hash(parts)[..SuffixLength];
    }

    /// <summary>The imported model's name: <c>&lt;ModelName&gt;-&lt;content key&gt;</c>.</summary>
    public static string ImportedModelName(string modelName, string contentKey) => $"{modelName}-{contentKey}";

    /// <summary>
    /// The key that the names of the jobs importing <paramref name="importedModelName"/> contain: its suffix. Earlier
    /// versions named models <c>&lt;ModelName&gt;-&lt;request token&gt;</c> and their jobs alike, so the suffix finds
    /// their jobs too. Null when the name has no such suffix.
    /// </summary>
    public static string? KeyOf(string importedModelName)
        => SuffixPattern().Match(importedModelName) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The job's name: the base name (underscores, which job names do not allow, become hyphens), the content key, the request's suffix.</summary>
    public static string JobName(string modelName, string contentKey, string clientRequestToken)
    {
        var baseName = modelName.Replace('_', '-');
        return $"{baseName[..Math.Min(baseName.Length, JobBaseNameLength)]}-{contentKey}-{clientRequestToken[..SuffixLength]}";
    }

    /// <summary>
    /// The idempotency token of one request. The CloudFormation request id stays the same when the same request is
    /// delivered again, and differs for every new request, so a redelivered request gets the same job from Bedrock.
    /// </summary>
    public static string ClientRequestToken(JsonObject request)
        => Hash([Required(request, "StackId"), Required(request, "LogicalResourceId"), Required(request, "RequestId")]);

    private static string Hash(IEnumerable<string> parts)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))));

    private static string Required(JsonObject node, string name)
        => (string?)node[name] is { Length: > 0 } value ? value : throw new ArgumentException($"The request has no {name}.");

    [GeneratedRegex("-([0-9a-f]{8})$")]
    private static partial Regex SuffixPattern();
}
