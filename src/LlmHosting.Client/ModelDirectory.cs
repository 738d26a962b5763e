using System.Text.Json;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace LlmHosting.Client;

/// <summary>
/// The models an environment serves or may use, each with its door, model id, authentication and region: the
/// document the app publishes as the SSM parameter <c>/&lt;namePrefix&gt;/model-directory</c> and the stack output
/// <c>ModelDirectory</c>. Pass an entry to <see cref="ModelClients"/> to get an OpenAI client for it.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>The stack output that holds the document, when it fits in an output.</summary>
    public const string OutputName = "ModelDirectory";

    /// <summary>The stack output that holds the name of the SSM parameter with the document.</summary>
    public const string ParameterNameOutputName = "ModelDirectoryParameterName";

    internal ModelDirectory(int schemaVersion, string environment, IReadOnlyList<ModelEntry> models, string source, string json)
    {
        SchemaVersion = schemaVersion;
        Environment = environment;
        Models = models;
        Source = source;
        Json = json;
    }

    /// <summary>The document's schema version (this client reads version 1).</summary>
    public int SchemaVersion { get; }

    /// <summary>The environment the directory describes, e.g. <c>dev</c>.</summary>
    public string Environment { get; }

    /// <summary>The models, in the document's order.</summary>
    public IReadOnlyList<ModelEntry> Models { get; }

    /// <summary>Where the document was read from (a file, a stack output, an SSM parameter), for messages.</summary>
    public string Source { get; }

    /// <summary>The document exactly as it was read.</summary>
    public string Json { get; }

    /// <summary>The SSM parameter an environment publishes its directory under: <c>/&lt;namePrefix&gt;/model-directory</c>.</summary>
    /// <param name="namePrefix">The environment's name prefix, e.g. <c>llm-dev</c>.</param>
    public static string ParameterName(string namePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(namePrefix);
        return $"/{namePrefix}/model-directory";
    }

    /// <summary>Returns the model named <paramref name="name"/> (case-sensitive).</summary>
    /// <exception cref="UnknownModelException">The directory has no such model; the message lists the names it has.</exception>
    public ModelEntry Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Models.FirstOrDefault(model => model.Name == name)
            ?? throw new UnknownModelException(name, Models.Select(model => model.Name).ToList(), Source);
    }

    /// <summary>Reads a directory document.</summary>
    /// <param name="json">The document.</param>
    /// <param name="source">Where it came from, for messages (e.g. a file name).</param>
    /// <exception cref="ModelDirectoryException">The document is not valid; the message names each problem by its JSON path.</exception>
    public static ModelDirectory Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return ModelDirectoryParser.Parse(json, source);
    }

    /// <summary>Reads a directory document from a file.</summary>
    /// <exception cref="ModelDirectoryException">The file cannot be read or is not a valid directory.</exception>
    public static async Task<ModelDirectory> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDirectoryException($"Cannot read the model directory file {path}: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>Reads the directory from an SSM parameter (<see cref="ParameterName"/>), in the region of <paramref name="ssm"/>.</summary>
    /// <param name="ssm">An SSM client for the environment's region (it honours <c>AWS_ENDPOINT_URL_SSM</c> and <c>AWS_ENDPOINT_URL</c>).</param>
    /// <param name="parameterName">The parameter, e.g. <c>/llm-dev/model-directory</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ModelDirectoryException">The parameter is missing or cannot be read, or is not a valid directory.</exception>
    public static async Task<ModelDirectory> FromSsmAsync(IAmazonSimpleSystemsManagement ssm, string parameterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ssm);
        ArgumentException.ThrowIfNullOrWhiteSpace(parameterName);
        var source = $"SSM parameter {parameterName} in {RegionOf(ssm)}";
        try
        {
            // GetParameter (botocore ssm service model): Name in, Parameter.Value out; ParameterNotFound when absent.
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = parameterName }, cancellationToken).ConfigureAwait(false);
            return Parse(response.Parameter.Value, source);
        }
        catch (ParameterNotFoundException e)
        {
            throw new ModelDirectoryException($"{source} does not exist", e);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new ModelDirectoryException($"Cannot read {source}: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// Reads the directory from a <c>cdk deploy --outputs-file</c> JSON: the output <see cref="OutputName"/> of the first
    /// of <paramref name="stackNames"/> in the file, else the SSM parameter its <see cref="ParameterNameOutputName"/> names.
    /// </summary>
    /// <param name="outputsFile">The outputs file.</param>
    /// <param name="stackNames">The environment's stack names to look for, in order of preference.</param>
    /// <param name="ssm">Used only when the stack outputs the parameter name instead of the document.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ModelDirectoryException">The file, the stack or its outputs are missing, or the directory is not valid.</exception>
    public static async Task<ModelDirectory> FromStackOutputsAsync(
        string outputsFile, IReadOnlyList<string> stackNames, IAmazonSimpleSystemsManagement ssm, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputsFile);
        ArgumentNullException.ThrowIfNull(stackNames);
        ArgumentNullException.ThrowIfNull(ssm);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(outputsFile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDirectoryException($"Cannot read the outputs file {outputsFile}: {e.Message}", e);
        }

        var (stack, outputs) = FindStack(text, outputsFile, stackNames);
        if (outputs.TryGetValue(OutputName, out var json))
        {
            return Parse(json, $"{outputsFile}, output {stack}.{OutputName}");
        }

        if (outputs.TryGetValue(ParameterNameOutputName, out var parameterName))
        {
            return await FromSsmAsync(ssm, parameterName, cancellationToken).ConfigureAwait(false);
        }

        throw new ModelDirectoryException($"Stack {stack} in {outputsFile} has neither the output {OutputName} nor {ParameterNameOutputName}");
    }

    private static (string Stack, Dictionary<string, string> Outputs) FindStack(string text, string outputsFile, IReadOnlyList<string> stackNames)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelDirectoryException($"{outputsFile} is not a `cdk deploy --outputs-file` file: the top level is not an object");
            }

            foreach (var name in stackNames)
            {
                if (document.RootElement.TryGetProperty(name, out var stack) && stack.ValueKind == JsonValueKind.Object)
                {
                    var outputs = stack.EnumerateObject()
                        .Where(o => o.Value.ValueKind == JsonValueKind.String)
                        .ToDictionary(o => o.Name, o => o.Value.GetString()!, StringComparer.Ordinal);
                    return (name, outputs);
                }
            }

            var present = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            throw new ModelDirectoryException(
                $"{outputsFile} has no stack {string.Join(" or ", stackNames)} (stacks: {(present.Count == 0 ? "none" : string.Join(", ", present))})");
        }
        catch (JsonException e)
        {
            throw new ModelDirectoryException($"{outputsFile} is not a `cdk deploy --outputs-file` file: {e.Message}", e);
        }
    }

    private static string RegionOf(IAmazonSimpleSystemsManagement ssm) =>
        ssm.Config.RegionEndpoint?.SystemName ?? ssm.Config.AuthenticationRegion ?? "the default region";

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');
}
