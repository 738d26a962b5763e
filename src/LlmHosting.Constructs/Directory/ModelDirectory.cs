using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SSM;
using Constructs;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Validation;

// The namespace is Directories, not Directory: a namespace LlmHosting.Constructs.Directory would hide System.IO.Directory
// from every other namespace of the library.
namespace LlmHosting.Constructs.Directories;

/// <summary>
/// Publishes an environment's model directory: one JSON document (schema version 1, as <c>LlmHosting.Client</c> and
/// <c>llmhost models</c> read it) listing every model its clients may call, with the door, model id, authentication,
/// region and whether it may be cold, as the SSM String parameter <c>/&lt;namePrefix&gt;/model-directory</c> and the
/// stack outputs <c>ModelDirectory</c> (the document, when it fits) and <c>ModelDirectoryParameterName</c>. The
/// outputs keep these logical ids wherever the construct is, so a stack holds at most one directory.
/// </summary>
/// <example>
/// <code>
/// var directory = new ModelDirectory(this, "ModelDirectory", new ModelDirectoryProps
/// {
///     Environment = "dev",
///     NamePrefix = "llm-dev",
///     Entries = [ModelDirectoryEntry.ForServedModel(component), ModelDirectoryEntry.ForOnDemandModel(gptOss120b, allowBearerKeys: true)],
/// });
/// directory.GrantRead(appRole);
/// </code>
/// </example>
public sealed class ModelDirectory : Construct
{
    /// <summary>The output that holds the document (the name <c>LlmHosting.Client</c> looks for).</summary>
    public const string OutputName = "ModelDirectory";

    /// <summary>The output that holds the parameter's name.</summary>
    public const string ParameterNameOutputName = "ModelDirectoryParameterName";

    /// <summary>The most a standard SSM parameter holds: 4 KB (botocore's ssm model, <c>PutParameterRequest.Value</c>).</summary>
    public const int StandardTierMaxBytes = 4096;

    /// <summary>The most an advanced SSM parameter holds: 8 KB (same source).</summary>
    public const int AdvancedTierMaxBytes = 8192;

    /// <summary>
    /// The largest document output as <see cref="OutputName"/> by default. CloudFormation documents no limit on an output's
    /// value (its quotas name 200 outputs, 255-character names and 1024-byte descriptions; an exported value is limited to
    /// 1024 characters, cloudformation-coverage-roadmap#685), so this is our own bound, the 4,096 bytes CloudFormation
    /// allows a parameter value and a custom resource response: above it the JSON output is left out.
    /// </summary>
    public const int MaxJsonOutputBytes = 4096;

    /// <summary>The action <see cref="GrantRead"/> grants: <c>ssm:GetParameter</c>, resource type <c>parameter</c>.</summary>
    public static readonly IReadOnlyList<string> ReadActions = ["ssm:GetParameter"];

    /// <summary>Creates the directory, or throws <see cref="PropsValidationException"/> naming every problem.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">The environment and its models.</param>
    public ModelDirectory(Construct scope, string id, ModelDirectoryProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        Entries = props.Entries ?? [];
        var parameterName = props.ParameterName ?? (props.NamePrefix is { } prefix ? DefaultParameterName(prefix) : null);
        var tier = props.Tier ?? ParameterTier.STANDARD;
        EstimatedBytes = Validate(props, parameterName, tier);

        Json = Stack.Of(this).ToJsonString(DirectoryDocument.Build(props.Environment, Entries, s => s));
        Parameter = new StringParameter(this, "Parameter", new StringParameterProps
        {
            ParameterName = parameterName!,
            StringValue = Json,
            Tier = tier,
            Description = $"Model directory of environment {props.Environment} (JSON, schema version {DirectoryDocument.SchemaVersion}): the models its clients may call.",
        });

        HasJsonOutput = props.JsonOutput ?? EstimatedBytes <= MaxJsonOutputBytes;
        if (HasJsonOutput)
        {
            new CfnOutput(this, OutputName, new CfnOutputProps
            {
                Description = $"Model directory of environment {props.Environment} (JSON); also in the SSM parameter {parameterName}.",
                Value = Json,
            }).OverrideLogicalId(OutputName);
        }
        else if (props.JsonOutput is null)
        {
            Annotations.Of(this).AddInfo(
                $"The model directory may be up to {EstimatedBytes} bytes, more than {MaxJsonOutputBytes}: it is not output as {OutputName}; clients read the SSM parameter {parameterName}.");
        }

        new CfnOutput(this, ParameterNameOutputName, new CfnOutputProps
        {
            Description = $"SSM parameter holding the model directory of environment {props.Environment}.",
            Value = Parameter.ParameterName,
        }).OverrideLogicalId(ParameterNameOutputName);
    }

    /// <summary>The models, in document order.</summary>
    public IReadOnlyList<ModelDirectoryEntry> Entries { get; }

    /// <summary>The document as a string token that resolves to JSON at deploy time (a literal when it holds no token).</summary>
    public string Json { get; }

    /// <summary>The size the document may reach at deploy time, in UTF-8 bytes, with each token at its longest value.</summary>
    public int EstimatedBytes { get; }

    /// <summary>Whether the document is output as <see cref="OutputName"/>.</summary>
    public bool HasJsonOutput { get; }

    /// <summary>The SSM parameter.</summary>
    public IStringParameter Parameter { get; }

    /// <summary>Name of the SSM parameter, e.g. <c>/llm-dev/model-directory</c>.</summary>
    public string ParameterName => Parameter.ParameterName;

    /// <summary>The parameter an environment with this name prefix publishes its directory under: <c>/&lt;namePrefix&gt;/model-directory</c>.</summary>
    /// <param name="namePrefix">The name prefix, e.g. <c>llm-dev</c>.</param>
    public static string DefaultParameterName(string namePrefix) => $"/{namePrefix}/model-directory";

    /// <summary>Grants <see cref="ReadActions"/> on this parameter only: what a client needs to read the directory.</summary>
    /// <param name="grantee">The principal.</param>
    public Grant GrantRead(IGrantable grantee)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        return Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ReadActions.ToArray(),
            ResourceArns = [Parameter.ParameterArn],
        });
    }

    private int Validate(ModelDirectoryProps props, string? parameterName, ParameterTier tier)
    {
        var problems = new PropsProblems(nameof(ModelDirectoryProps));
        if (string.IsNullOrWhiteSpace(props.Environment))
        {
            problems.Add(nameof(ModelDirectoryProps.Environment), $"{Property.Ref(nameof(ModelDirectoryProps.Environment))} is required");
        }

        if (parameterName is null)
        {
            problems.Add(nameof(ModelDirectoryProps.NamePrefix), $"set {Property.Ref(nameof(ModelDirectoryProps.NamePrefix))} or {Property.Ref(nameof(ModelDirectoryProps.ParameterName))}");
        }
        else if (!Tokens.IsUnresolved(parameterName) && !AwsNames.IsSsmParameterName(parameterName))
        {
            var property = props.ParameterName is null ? nameof(ModelDirectoryProps.NamePrefix) : nameof(ModelDirectoryProps.ParameterName);
            problems.Add(property, $"{Property.Ref(property)} gives the parameter name '{parameterName}', which SSM does not accept: "
                + "letters, digits, _ . - and / between at most 15 levels, not starting with aws or ssm, at most 951 characters");
        }

        problems.AddRange(DirectoryEntryRules.Problems(Entries));
        // The size is only estimated for entries that make a document.
        problems.ThrowIfAny(Node.Path);

        var bytes = DirectoryDocument.EstimatedBytes(props.Environment, Entries);
        var limit = tier == ParameterTier.STANDARD ? StandardTierMaxBytes : AdvancedTierMaxBytes;
        if (bytes > limit)
        {
            var remedy = tier == ParameterTier.STANDARD
                ? $"set {Property.Ref(nameof(ModelDirectoryProps.Tier))} to ADVANCED (8 KB, charged) or shorten the entries"
                : "8 KB is the most an SSM parameter holds: shorten the entries (notes, names) or split the directory";
            problems.Add(nameof(ModelDirectoryProps.Entries),
                $"the document of {Entries.Count} models may be up to {bytes} bytes at deploy time, more than the {limit} bytes of {(tier == ParameterTier.STANDARD ? "a standard" : "an advanced")} SSM parameter; {remedy}");
            problems.ThrowIfAny(Node.Path);
        }

        return bytes;
    }
}
