using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.CDK;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Directories;

/// <summary>
/// The directory document (schema version 1, as <c>LlmHosting.Client</c> reads it) and an estimate of its size at
/// deploy time, when its tokens have values.
/// </summary>
internal static class DirectoryDocument
{
    internal const int SchemaVersion = 1;

    /// <summary>What a token that is none of the pseudo parameters below counts: the directory's tokens are names (at most 63 characters) and ARNs (an imported model's is at most 78).</summary>
    internal const int OtherTokenBound = 128;

    /// <summary>
    /// The document as JSON-ready values, keys in the order of the schema, absent optional fields left out. Each string
    /// goes through <paramref name="text"/>, so that the same code builds the document and its sizing copy.
    /// </summary>
    internal static Dictionary<string, object> Build(string environment, IReadOnlyList<ModelDirectoryEntry> entries, Func<string, string> text)
    {
        var models = new List<object>();
        foreach (var entry in entries)
        {
            var model = new Dictionary<string, object>
            {
                ["name"] = text(entry.Name),
                ["kind"] = entry.Kind.Name,
                ["region"] = text(entry.Region),
                ["modelId"] = text(entry.ModelId),
            };
            Optional(model, "chatCompletionsBaseUrl", entry.ChatCompletionsBaseUrl, text);
            Optional(model, "responsesBaseUrl", entry.ResponsesBaseUrl, text);
            Optional(model, "responsesModelId", entry.ResponsesModelId, text);
            Optional(model, "runtimeEndpoint", entry.RuntimeEndpoint, text);
            model["auth"] = entry.Auth.Name;
            model["mayBeCold"] = entry.MayBeCold;
            Optional(model, "note", entry.Note, text);
            models.Add(model);
        }

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = SchemaVersion,
            ["environment"] = text(environment),
            // An array, not a List: jsii infers the type of each value and knows no List.
            ["models"] = models.ToArray(),
        };
    }

    /// <summary>
    /// The UTF-8 size of the document at deploy time, at most: literal text exactly as JSON writes it (compact, without
    /// escaping beyond what JSON requires, as CloudFormation's JSON does), and each token at the longest value it may take.
    /// </summary>
    internal static int EstimatedBytes(string environment, IReadOnlyList<ModelDirectoryEntry> entries)
    {
        var sizing = Build(environment, entries, Sized);
        var json = JsonSerializer.Serialize(sizing, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return Encoding.UTF8.GetByteCount(json);
    }

    private static void Optional(Dictionary<string, object> model, string key, string? value, Func<string, string> text)
    {
        if (value is not null)
        {
            model[key] = text(value);
        }
    }

    private static string Sized(string value)
    {
        if (!Tokens.IsUnresolved(value))
        {
            return value;
        }

        // Each token stands in the string as its encoded form; what is left once they are taken out is literal text.
        var literal = value;
        var tokens = 0;
        foreach (var token in Tokenization.ReverseString(value).Tokens)
        {
            var encoded = Token.AsString(token);
            var at = literal.IndexOf(encoded, StringComparison.Ordinal);
            literal = at < 0 ? literal : literal.Remove(at, encoded.Length);
            tokens += Bound(encoded);
        }

        return literal + new string('x', tokens);
    }

    // The longest value of each pseudo parameter: regions such as us-isof-south-1, suffixes such as amazonaws.com.cn.
    private static int Bound(string token)
        => token == Aws.REGION || token == Aws.URL_SUFFIX || token == Aws.PARTITION ? 16
            : token == Aws.ACCOUNT_ID ? 12
            : OtherTokenBound;
}
