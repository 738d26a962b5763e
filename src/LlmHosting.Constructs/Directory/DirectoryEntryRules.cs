using Amazon.CDK;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Directories;

/// <summary>
/// What makes entries a valid directory: the rules <c>LlmHosting.Client</c>'s parser applies (required fields, kind and
/// auth that suit each other, the URL each door needs, unique names), checked at synth so that a published directory
/// always parses. Values that are tokens are only checked where their literal part shows.
/// </summary>
internal static class DirectoryEntryRules
{
    internal static IEnumerable<PropsProblem> Problems(IReadOnlyList<ModelDirectoryEntry> entries)
    {
        var problems = new List<PropsProblem>();
        var firstIndexOfName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            string P(string field) => $"{nameof(ModelDirectoryProps.Entries)}[{i}].{field}";
            void Add(string field, string message) => problems.Add(new PropsProblem(P(field), Property.Ref(P(field)) + " " + message));

            if (entry is null)
            {
                problems.Add(new PropsProblem($"{nameof(ModelDirectoryProps.Entries)}[{i}]", $"{Property.Ref($"{nameof(ModelDirectoryProps.Entries)}[{i}]")} is null"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                Add(nameof(ModelDirectoryEntry.Name), "is empty");
            }
            else if (firstIndexOfName.TryGetValue(entry.Name, out var first))
            {
                Add(nameof(ModelDirectoryEntry.Name), $"'{entry.Name}' is also the name of {Property.Ref($"{nameof(ModelDirectoryProps.Entries)}[{first}]")}; names must be unique");
            }
            else
            {
                firstIndexOfName[entry.Name] = i;
            }

            if (string.IsNullOrWhiteSpace(entry.Region))
            {
                Add(nameof(ModelDirectoryEntry.Region), "is empty");
            }
            else if (!Tokens.IsUnresolved(entry.Region) && !AwsNames.IsRegion(entry.Region))
            {
                Add(nameof(ModelDirectoryEntry.Region), $"'{entry.Region}' is not an AWS region name such as us-east-1");
            }

            if (string.IsNullOrWhiteSpace(entry.ModelId))
            {
                Add(nameof(ModelDirectoryEntry.ModelId), "is empty");
            }

            if (entry.Note is not null && string.IsNullOrWhiteSpace(entry.Note))
            {
                Add(nameof(ModelDirectoryEntry.Note), "is blank; leave it out instead");
            }

            if (entry.Kind is null || entry.Auth is null)
            {
                Add(entry.Kind is null ? nameof(ModelDirectoryEntry.Kind) : nameof(ModelDirectoryEntry.Auth), "is required");
                continue;
            }

            if (!entry.Auth.IsAcceptedBy(entry.Kind))
            {
                Add(nameof(ModelDirectoryEntry.Auth), $"{entry.Auth} does not suit kind {entry.Kind} (allowed: {string.Join(", ", ModelDirectoryAuth.All.Where(a => a.IsAcceptedBy(entry.Kind)))})");
            }

            var imported = entry.Kind == ModelDirectoryKind.BedrockImported;
            Url(entry.ChatCompletionsBaseUrl, required: !imported, nameof(ModelDirectoryEntry.ChatCompletionsBaseUrl), Add);
            Url(entry.RuntimeEndpoint, required: imported, nameof(ModelDirectoryEntry.RuntimeEndpoint), Add);
            Url(entry.ResponsesBaseUrl, required: false, nameof(ModelDirectoryEntry.ResponsesBaseUrl), Add);
            if (entry.ResponsesBaseUrl is not null && entry.Kind != ModelDirectoryKind.BedrockOnDemand)
            {
                Add(nameof(ModelDirectoryEntry.ResponsesBaseUrl), $"is set, but only {ModelDirectoryKind.BedrockOnDemand} models offer the Responses API");
            }

            if (entry.ResponsesModelId is not null && entry.ResponsesBaseUrl is null)
            {
                Add(nameof(ModelDirectoryEntry.ResponsesModelId), $"is set without {Property.Ref(P(nameof(ModelDirectoryEntry.ResponsesBaseUrl)))}");
            }
        }

        return problems;
    }

    private static void Url(string? value, bool required, string field, Action<string, string> add)
    {
        if (value is null)
        {
            if (required)
            {
                add(field, "is required for this kind");
            }

            return;
        }

        // The scheme is literal even when the host holds a token (a region in an environment-agnostic stack).
        var ok = Tokens.IsUnresolved(value)
            ? value.StartsWith("https://", StringComparison.Ordinal) || value.StartsWith("http://", StringComparison.Ordinal)
            : Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
        if (!ok)
        {
            add(field, $"'{value}' is not an http(s) URL");
        }
    }
}
