using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>
/// Lambda entry points of the BedrockModelImport custom resource (CDK Provider framework):
/// <c>BedrockModelImport::LlmHosting.Lambda.BedrockModelImport.Handler::OnEvent</c> and
/// <c>...::IsComplete</c>. The only place that reads the environment.
/// </summary>
public sealed class Handler
{
    /// <summary>Overrides the Bedrock endpoint (default <c>https://bedrock.&lt;region&gt;.&lt;dns suffix&gt;/</c>).</summary>
    public const string BedrockEndpointVariable = "BEDROCK_ENDPOINT_URL";

    /// <summary>Overrides the EventBridge endpoint (default <c>https://events.&lt;region&gt;.&lt;dns suffix&gt;/</c>).</summary>
    public const string EventsEndpointVariable = "EVENTS_ENDPOINT_URL";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly ModelImportLifecycle _lifecycle;

    /// <summary>Creates the handler from the Lambda environment (region, credentials, optional endpoints).</summary>
    public Handler()
        : this(FromEnvironment())
    {
    }

    internal Handler(ModelImportLifecycle lifecycle) => _lifecycle = lifecycle;

    /// <summary>The Provider framework's onEvent handler: starts, replaces or deletes an import.</summary>
    /// <param name="input">The CloudFormation custom resource request, as JSON.</param>
    public async Task<Stream> OnEvent(Stream input)
        => ToStream(await _lifecycle.OnEventAsync(await ReadAsync(input).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false));

    /// <summary>The Provider framework's isComplete handler: polls the import job.</summary>
    /// <param name="input">The request with the onEvent result merged in, as JSON.</param>
    public async Task<Stream> IsComplete(Stream input)
        => ToStream(await _lifecycle.IsCompleteAsync(await ReadAsync(input).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false));

    private static async Task<JsonObject> ReadAsync(Stream input)
        => (await JsonNode.ParseAsync(input).ConfigureAwait(false)) as JsonObject
           ?? throw new ArgumentException("The handler input is not a JSON object.");

    private static MemoryStream ToStream(JsonObject output) => new(JsonSerializer.SerializeToUtf8Bytes(output));

    private static ModelImportLifecycle FromEnvironment()
    {
        var regionName = Environment.GetEnvironmentVariable("AWS_REGION")
            ?? throw new InvalidOperationException("AWS_REGION is not set.");
        var region = RegionEndpoint.GetBySystemName(regionName);
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        var retry = new RetryPolicy();
        var bedrockUri = EndpointFromEnvironment(BedrockEndpointVariable) ?? new Uri($"https://bedrock.{regionName}.{region.PartitionDnsSuffix}/");
        var eventsUri = EndpointFromEnvironment(EventsEndpointVariable) ?? new Uri($"https://events.{regionName}.{region.PartitionDnsSuffix}/");
        return new ModelImportLifecycle(
            new BedrockClient(new SignedHttpClient(Http, bedrockUri, "bedrock", region, credentials, retry)),
            new EventsClient(new SignedHttpClient(Http, eventsUri, "events", region, credentials, retry)),
            Console.Out);
    }

    private static Uri? EndpointFromEnvironment(string name)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? new Uri(value.EndsWith('/') ? value : value + "/") : null;
}
