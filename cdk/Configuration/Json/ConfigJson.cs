using System.Text;
using System.Text.Json;

namespace LlmHosting.App.Configuration.Json;

/// <summary>
/// Reads an environment file in two steps: the text is parsed and checked against the shape of the configuration
/// records (<see cref="JsonShape"/>), which names every misfit by its JSON path; only a document that fits is bound to
/// the records with System.Text.Json. Whatever the file holds, the result is the configuration or one problem per
/// misfit, never an exception.
/// </summary>
internal static class ConfigJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    // The same rules as the shape check, so that binding a document that fits cannot fail.
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
    };

    /// <summary>The configuration in <paramref name="json"/>, or null with every problem added to <paramref name="problems"/>.</summary>
    /// <typeparam name="T">The record of the whole file.</typeparam>
    /// <param name="json">The file's text.</param>
    /// <param name="problems">Where problems are added, each starting with the JSON path it is about.</param>
    internal static T? Read<T>(string json, ICollection<string> problems)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            problems.Add("the file is empty: it must hold one JSON object");
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            problems.Add(SyntaxError(json, e));
            return null;
        }

        using (document)
        {
            var found = problems.Count;
            Shape<T>.OfFile.Check(document.RootElement, "", problems);
            if (problems.Count > found)
            {
                return null;
            }

            try
            {
                return document.RootElement.Deserialize<T>(SerializerOptions);
            }
            catch (JsonException e)
            {
                // Unreachable while the shape check knows every rule of the binding; said plainly all the same.
                problems.Add($"{(string.IsNullOrEmpty(e.Path) ? "the file" : e.Path.TrimStart('$', '.'))} cannot be read");
                return null;
            }
        }
    }

    // Built once per record type, on first use (the runtime runs a static initializer once).
    private static class Shape<T>
    {
        internal static readonly JsonShape OfFile = JsonShape.OfSection(typeof(T));
    }

    /// <summary>
    /// The syntax error at its line and column, both counted from 1 (System.Text.Json counts lines from 0 and the
    /// column in UTF-8 bytes).
    /// </summary>
    private static string SyntaxError(string json, JsonException e)
    {
        var sentence = e.Message.Split(" LineNumber:", 2)[0].Trim().TrimEnd('.');
        if (e.LineNumber is not { } line || e.BytePositionInLine is not { } bytes)
        {
            return $"the file is not valid JSON: {sentence}";
        }

        var lines = json.Split('\n');
        var text = line < lines.Length ? Encoding.UTF8.GetBytes(lines[line]) : [];
        var column = Encoding.UTF8.GetCharCount(text, 0, (int)Math.Min(bytes, text.Length)) + 1;
        return $"the file is not valid JSON at line {line + 1}, column {column}: {sentence}";
    }
}
