using System.Globalization;
using System.Text.Json;

namespace LlmHosting.Client;

/// <summary>
/// Reads the directory document (schema version 1, see the package README) and collects every problem with its
/// JSON path, so that one message names them all. Unknown fields are ignored for forward compatibility.
/// </summary>
internal static class ModelDirectoryParser
{
    public const int SchemaVersion = 1;

    public static ModelDirectory Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ModelDirectoryException($"Invalid model directory ({source}): not JSON ({e.Message}).", e);
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, [$"$ must be an object, not {Describe(root)}"]);
            }

            var version = Number(root, "$", "schemaVersion", problems);
            if (version is { } v && v != SchemaVersion)
            {
                problems.Add($"$.schemaVersion {v} is not supported (this client reads version {SchemaVersion})");
            }

            var environment = String(root, "$", "environment", problems, required: true);
            var models = new List<ModelEntry>();
            if (!root.TryGetProperty("models", out var list) || list.ValueKind == JsonValueKind.Null)
            {
                problems.Add("$.models is missing");
            }
            else if (list.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"$.models must be an array, not {Describe(list)}");
            }
            else
            {
                var firstPathOfName = new Dictionary<string, string>(StringComparer.Ordinal);
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var path = $"$.models[{index++}]";
                    if (ReadModel(item, path, problems) is not { } model)
                    {
                        continue;
                    }

                    if (firstPathOfName.TryGetValue(model.Name, out var first))
                    {
                        problems.Add($"{path}.name '{model.Name}' is also the name of {first}; names must be unique");
                        continue;
                    }

                    firstPathOfName[model.Name] = path;
                    models.Add(model);
                }
            }

            if (problems.Count > 0)
            {
                throw Invalid(source, problems);
            }

            return new ModelDirectory(SchemaVersion, environment!, models, source, json);
        }
    }

    private static ModelEntry? ReadModel(JsonElement item, string path, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path} must be an object, not {Describe(item)}");
            return null;
        }

        var before = problems.Count;
        var name = String(item, path, "name", problems, required: true);
        var kindName = String(item, path, "kind", problems, required: true);
        var kind = ModelKind.Find(kindName);
        if (kindName is not null && kind is null)
        {
            problems.Add($"{path}.kind '{kindName}' is not one of {string.Join(", ", ModelKind.All)}");
        }

        var region = String(item, path, "region", problems, required: true);
        if (region is not null && !BearerTokenGenerator.IsRegionName(region))
        {
            problems.Add($"{path}.region '{region}' is not an AWS region name such as us-east-1");
        }

        var modelId = String(item, path, "modelId", problems, required: true);
        var authName = String(item, path, "auth", problems, required: true);
        var auth = ModelAuth.Find(authName);
        if (authName is not null && auth is null)
        {
            problems.Add($"{path}.auth '{authName}' is not one of {string.Join(", ", ModelAuth.All)}");
        }
        else if (auth is not null && kind is not null && !auth.IsAcceptedBy(kind))
        {
            var allowed = ModelAuth.All.Where(a => a.IsAcceptedBy(kind));
            problems.Add($"{path}.auth '{auth}' is not accepted by kind {kind} (allowed: {string.Join(", ", allowed)})");
        }

        var imported = kind == ModelKind.BedrockImported;
        var chat = Url(item, path, "chatCompletionsBaseUrl", problems, required: kind is not null && !imported);
        var responses = Url(item, path, "responsesBaseUrl", problems, required: false);
        var responsesModelId = String(item, path, "responsesModelId", problems, required: false);
        if (responsesModelId is not null && IsAbsent(item, "responsesBaseUrl"))
        {
            // The writer's rule too (LlmHosting.Constructs DirectoryEntryRules): a Responses model id without a Responses door is a mistake.
            problems.Add($"{path}.responsesModelId '{responsesModelId}' is set without {path}.responsesBaseUrl");
        }

        var runtime = Url(item, path, "runtimeEndpoint", problems, required: imported);
        var mayBeCold = Boolean(item, path, "mayBeCold", problems);
        var note = String(item, path, "note", problems, required: false);
        if (problems.Count > before)
        {
            return null;
        }

        return new ModelEntry
        {
            Name = name!,
            Kind = kind!,
            Region = region!,
            ModelId = modelId!,
            ChatCompletionsBaseUrl = chat,
            ResponsesBaseUrl = responses,
            ResponsesModelId = responsesModelId,
            RuntimeEndpoint = runtime,
            Auth = auth!,
            MayBeCold = mayBeCold!.Value,
            Note = note,
        };
    }

    private static bool IsAbsent(JsonElement parent, string field)
        => !parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null;

    private static string? String(JsonElement parent, string path, string field, List<string> problems, bool required)
    {
        if (!parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add($"{path}.{field} is missing");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Add($"{path}.{field} must be a non-empty string, not {Describe(value)}");
            return null;
        }

        return value.GetString();
    }

    private static Uri? Url(JsonElement parent, string path, string field, List<string> problems, bool required)
    {
        var text = String(parent, path, field, problems, required);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{path}.{field} '{text}' is not an http(s) URL");
            return null;
        }

        return url;
    }

    private static bool? Boolean(JsonElement parent, string path, string field, List<string> problems)
    {
        if (!parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"{path}.{field} is missing");
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            problems.Add($"{path}.{field} must be true or false, not {Describe(value)}");
            return null;
        }

        return value.GetBoolean();
    }

    private static int? Number(JsonElement parent, string path, string field, List<string> problems)
    {
        if (!parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"{path}.{field} is missing");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            problems.Add($"{path}.{field} must be an integer, not {Describe(value)}");
            return null;
        }

        return number;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"\"{value.GetString()}\"",
        _ => value.GetRawText(),
    };

    private static ModelDirectoryException Invalid(string source, IReadOnlyList<string> problems) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Invalid model directory ({source}): {string.Join("; ", problems)}."));
}
