using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Everything that differs between environments, read from <c>cdk/config/&lt;name&gt;.json</c> and validated
/// by <see cref="EnvironmentCatalog"/> before any construct is created. One record per section; the constructs made
/// from a section are mapped in that section's record (<c>ToProps</c>), next to where its props come from (<c>Keys</c>).
/// </summary>
public sealed record EnvironmentConfig
{
    /// <summary>Environment name: the file name without <c>.json</c>, the CDK stage id and the <c>environment</c> tag.</summary>
    [JsonIgnore]
    public string Name { get; init; } = "";

    /// <summary>The file as messages name it, for example <c>cdk/config/prod.json</c>.</summary>
    [JsonIgnore]
    public string Source { get; init; } = "";

    /// <summary>12-digit AWS account id the environment deploys to.</summary>
    public string Account { get; init; } = "";

    /// <summary>AWS region the environment deploys to, for example <c>us-east-1</c>.</summary>
    public string Region { get; init; } = "";

    /// <summary>
    /// Prefix of physical names (stack, endpoints, models): lower-case letters, digits and hyphens, starting
    /// with a letter, at most 20 characters so that derived SageMaker names stay within 63. Environments in one account
    /// and region need prefixes of which neither starts the other.
    /// </summary>
    public string NamePrefix { get; init; } = "";

    /// <summary>
    /// Marks an environment that serves real traffic (staging, prod): what would only warn elsewhere fails synthesis
    /// there, such as a Hugging Face source without <c>huggingFaceRevision</c>. Default: false.
    /// </summary>
    public bool ProductionLike { get; init; }

    /// <summary>Log groups of the environment's resources (retention, removal, key). Default: 30 days, retained, no key.</summary>
    public LogsConfig Logs { get; init; } = new();

    /// <summary>Tags for every resource of the environment.</summary>
    public EnvironmentTags Tags { get; init; } = new();

    /// <summary>An endpoint hosting several models as inference components that scale on their own. Default: none.</summary>
    public ComponentEndpointConfig? ComponentEndpoint { get; init; }

    /// <summary>Model bucket settings. Default: a retained bucket without access logs.</summary>
    public ModelBucketConfig ModelBucket { get; init; } = new();

    /// <summary>Notification settings (alarm e-mails). Default: no e-mail subscriptions.</summary>
    public OperationsConfig Operations { get; init; } = new();

    /// <summary>SageMaker vLLM endpoints, each reachable through the OpenAI-compatible API. Default: none.</summary>
    public List<EndpointConfig> Endpoints { get; init; } = [];

    /// <summary>Who may assume the role that invokes the endpoints. Default: the environment's own account.</summary>
    public InvokerConfig Invoker { get; init; } = new();

    /// <summary>Models imported into Amazon Bedrock from the model bucket. Default: none.</summary>
    public IReadOnlyList<ModelImportConfig> ModelImports { get; init; } = [];

    /// <summary>Bedrock's own models the environment may use on demand (invoke grants, directory entries). Default: none.</summary>
    public IReadOnlyList<BedrockModelConfig> BedrockModels { get; init; } = [];

    /// <summary>The VPC every endpoint runs in, and private invocation from it. Default: none (SageMaker's managed network).</summary>
    public NetworkConfig? Network { get; init; }

    /// <summary>Name of the Storage stack (the model bucket).</summary>
    internal string StorageStackName => $"{NamePrefix}-storage";

    /// <summary>Name of the Serving stack.</summary>
    internal string ServingStackName => $"{NamePrefix}-serving";

    /// <summary>Name of the operations dashboard.</summary>
    internal string DashboardName => $"{NamePrefix}-model-operations";

    // The app's rule for prefixes: a short name that leaves room for the names derived from it.
    private static readonly Regex Prefix = new(@"^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$", RegexOptions.CultureInvariant);

    /// <summary>Adds a description of every problem of this environment to <paramref name="problems"/>.</summary>
    internal void Validate(ICollection<string> problems)
    {
        if (!AwsNames.IsAccountId(Account))
        {
            problems.Add(Account.Length == 0
                ? "account is missing (a 12-digit AWS account id)"
                : $"account '{Account}' is not a 12-digit AWS account id");
        }

        if (!AwsNames.IsRegion(Region))
        {
            problems.Add(Region.Length == 0
                ? "region is missing (for example us-east-1)"
                : $"region '{Region}' is not an AWS region name (for example us-east-1)");
        }

        if (!Prefix.IsMatch(NamePrefix))
        {
            problems.Add(NamePrefix.Length == 0
                ? "namePrefix is missing"
                : $"namePrefix '{NamePrefix}' must be 1-20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen");
        }

        Tags.Validate(problems);
        Logs.Validate(problems, Region);
        ModelBucket.Validate(problems, Region);
        Operations.Validate(problems);
        for (var i = 0; i < Endpoints.Count; i++)
        {
            Endpoints[i].Validate(problems, $"endpoints[{i}]", NamePrefix);
        }

        ComponentEndpoint?.Validate(problems, NamePrefix);
        Network?.Validate(problems);
        for (var i = 0; i < ModelImports.Count; i++)
        {
            ModelImports[i].Validate(problems, $"modelImports[{i}]", NamePrefix);
        }

        for (var i = 0; i < BedrockModels.Count; i++)
        {
            BedrockModels[i].Validate(problems, $"{BedrockModelConfig.Path}[{i}]");
        }
    }

    /// <summary>Reads every configured weights manifest (paths relative to <paramref name="configDirectory"/>).</summary>
    internal void ReadManifests(string? configDirectory, ICollection<string> problems)
    {
        for (var i = 0; i < Endpoints.Count; i++)
        {
            Endpoints[i].ReadManifest(configDirectory, $"endpoints[{i}]", problems);
        }

        for (var i = 0; i < (ComponentEndpoint?.Components.Count ?? 0); i++)
        {
            ComponentEndpoint!.Components[i].ReadManifest(configDirectory, $"{ComponentEndpointConfig.Path}.components[{i}]", problems);
        }

        for (var i = 0; i < (ComponentEndpoint?.Adapters.Count ?? 0); i++)
        {
            ComponentEndpoint!.Adapters[i].ReadManifest(configDirectory, $"{AdapterComponentConfig.Path}[{i}]", problems);
        }

        for (var i = 0; i < ModelImports.Count; i++)
        {
            ModelImports[i].ReadManifest(configDirectory, $"modelImports[{i}]", problems);
        }
    }
}
