using System.Text.Json;

namespace LlmHosting.Cli.Commands;

/// <summary>An OpenAI-compatible target found in a <c>cdk deploy --outputs-file</c> file.</summary>
/// <param name="Stack">The stack name.</param>
/// <param name="OutputKey">The output key, ending with <see cref="StackOutputs.BaseUrlSuffix"/>.</param>
/// <param name="BaseUrl">The <c>/openai/v1</c> base URL.</param>
/// <param name="ServedModelName">The output <c>&lt;prefix&gt;ServedModelName</c> next to it, when the stack has one.</param>
internal sealed record ChatTarget(string Stack, string OutputKey, Uri BaseUrl, string? ServedModelName);

/// <summary>
/// Reads the JSON that <c>cdk deploy --outputs-file</c> writes (<c>{ "&lt;stack&gt;": { "&lt;output&gt;": "value" } }</c>)
/// and picks the base URL to call.
/// </summary>
internal static class StackOutputs
{
    /// <summary>Stack outputs whose key ends with this hold an endpoint's or component's <c>/openai/v1</c> base URL.</summary>
    public const string BaseUrlSuffix = "OpenAiBaseUrl";

    /// <summary>An output with the same key prefix and this suffix holds the model name the server serves.</summary>
    public const string ServedModelNameSuffix = "ServedModelName";

    /// <summary>Picks one target; throws <see cref="CliException"/> explaining what to pass when none or several match.</summary>
    /// <param name="path">The outputs file.</param>
    /// <param name="environment">Only stacks of this environment: the stacks named <c>&lt;namePrefix&gt;-serving</c> and <c>&lt;namePrefix&gt;-model-hosting</c> from <c>cdk/config/&lt;env&gt;.json</c> when that file is in <paramref name="configDirectory"/>, else stacks with the environment as a dash-separated part of their name.</param>
    /// <param name="target">Only outputs whose key or URL contains this (case-insensitive).</param>
    /// <param name="configDirectory">Where the environment files are (<c>cdk/config</c> of the working directory).</param>
    public static ChatTarget Select(string path, string? environment, string? target, string configDirectory)
    {
        var stacks = Read(path, $"Write it with `cdk deploy --outputs-file {path}`, or pass --base-url.");
        var stackFilter = StackFilter(environment, configDirectory);
        var candidates = stacks
            .Where(stack => stackFilter(stack.Key))
            .SelectMany(stack => stack.Value
                .Where(output => output.Key.EndsWith(BaseUrlSuffix, StringComparison.OrdinalIgnoreCase))
                .Select(output => (Stack: stack.Key, Outputs: stack.Value, output.Key, output.Value)))
            .Where(c => target is null
                || c.Key.Contains(target, StringComparison.OrdinalIgnoreCase)
                || c.Value.Contains(target, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Stack, StringComparer.Ordinal)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList();

        var scope = (environment is null ? string.Empty : $" of environment '{environment}'") + (target is null ? string.Empty : $" matching --target '{target}'");
        if (candidates.Count == 0)
        {
            var stackNames = stacks.Count == 0 ? "none" : string.Join(", ", stacks.Keys.Order(StringComparer.Ordinal));
            throw new CliException($"No stack output ending with '{BaseUrlSuffix}'{scope} in {path} (stacks: {stackNames}). Deploy an endpoint with `cdk deploy --outputs-file {path}`, or pass --base-url.");
        }

        if (candidates.Count > 1)
        {
            var names = string.Join(", ", candidates.Select(c => $"{c.Stack}.{c.Key}"));
            throw new CliException($"Several endpoints{scope} in {path}: {names}. Pick one with --target <part of the output name>" + (environment is null ? " or --env <environment>." : "."));
        }

        var chosen = candidates[0];
        if (!Uri.TryCreate(chosen.Value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliException($"Stack output {chosen.Stack}.{chosen.Key} in {path} is not an http(s) URL: '{chosen.Value}'.");
        }

        var modelKey = chosen.Key[..^BaseUrlSuffix.Length] + ServedModelNameSuffix;
        var model = chosen.Outputs.FirstOrDefault(o => string.Equals(o.Key, modelKey, StringComparison.OrdinalIgnoreCase)).Value;
        return new ChatTarget(chosen.Stack, chosen.Key, url, string.IsNullOrWhiteSpace(model) ? null : model);
    }

    /// <summary>Every stack's string outputs; throws <see cref="CliException"/> when the file cannot be read or is not an outputs file.</summary>
    /// <param name="path">The outputs file.</param>
    /// <param name="remedy">What the calling command's user can do when the file cannot be read (its own options, not another command's).</param>
    internal static Dictionary<string, Dictionary<string, string>> Read(string path, string remedy)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the outputs file {path}: {e.Message} {remedy}");
        }

        try
        {
            var stacks = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the top level is not an object");
            }

            foreach (var stack in document.RootElement.EnumerateObject())
            {
                if (stack.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException($"stack '{stack.Name}' is not an object of outputs");
                }

                stacks[stack.Name] = stack.Value.EnumerateObject()
                    .Where(o => o.Value.ValueKind == JsonValueKind.String)
                    .ToDictionary(o => o.Name, o => o.Value.GetString()!, StringComparer.Ordinal);
            }

            return stacks;
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} is not a `cdk deploy --outputs-file` file: {e.Message}");
        }
    }

    private static Func<string, bool> StackFilter(string? environment, string configDirectory)
    {
        if (environment is null)
        {
            return _ => true;
        }

        if (NamePrefix(environment, configDirectory) is { } namePrefix)
        {
            // The app names the environment's stacks after its prefix (cdk/Stacks/ModelHostingStage.cs): the serving
            // stack, and the single stack of the app before stateful and stateless resources were split.
            string[] stackNames = [namePrefix + "-serving", namePrefix + "-model-hosting"];
            return name => stackNames.Contains(name, StringComparer.Ordinal);
        }

        return name => name.Split('-').Contains(environment, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The <c>namePrefix</c> of <c>cdk/config/&lt;environment&gt;.json</c>, or null when the file is missing or has none.</summary>
    internal static string? NamePrefix(string environment, string configDirectory)
    {
        var configFile = Path.Combine(configDirectory, environment + ".json");
        if (!File.Exists(configFile))
        {
            return null;
        }

        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(configFile));
            return config.RootElement.ValueKind == JsonValueKind.Object
                && config.RootElement.TryGetProperty("namePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString()
                : null;
        }
        catch (JsonException)
        {
            // A broken config file is the app's business (synthesis reports it); callers fall back to the name match.
            return null;
        }
    }
}
