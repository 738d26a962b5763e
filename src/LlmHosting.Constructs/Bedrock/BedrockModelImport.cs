using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Handlers;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Nag;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Bedrock;

/// <summary>
/// Imports a model folder from a <see cref="IModelBucket"/> prefix into Amazon Bedrock Custom Model Import
/// during deployment: the folder is checked first by the stack's <see cref="WeightsGate"/> (every problem reported
/// at once, in seconds), the import job is
/// started with an idempotency token and awaited, and the imported model is deleted with the resource unless
/// <see cref="BedrockModelImportProps.RetainOnDelete"/> is set. A change of the folder or the name imports
/// anew; CloudFormation then deletes the old model. An import that outlives
/// <see cref="BedrockModelImportProps.TotalTimeout"/> is not orphaned: the model's name derives from the resource
/// and its content, so a retried deployment adopts the running job or its model, and a delete waits for the job
/// before it deletes the model (see the folder's README). Each job outcome is put on the default event bus as
/// described by <see cref="ModelImportEvents"/>.
/// </summary>
/// <example>
/// <code>
/// var import = new BedrockModelImport(this, "GptOss20b", new BedrockModelImportProps
/// {
///     ModelBucket = weights,
///     ModelPrefix = "models/gpt-oss-20b/",
///     ModelName = "gpt-oss-20b",
/// });
/// import.GrantInvoke(appRole);
/// </code>
/// </example>
public sealed partial class BedrockModelImport : Construct
{
    /// <summary>Default for <see cref="BedrockModelImportProps.TotalTimeout"/>: 1 hour, the longest the Provider framework waits.</summary>
    public static readonly Duration DefaultTotalTimeout = Duration.Hours(1);

    /// <summary>Default for <see cref="BedrockModelImportProps.QueryInterval"/>: 1 minute.</summary>
    public static readonly Duration DefaultQueryInterval = Duration.Minutes(1);

    /// <summary>Longest <see cref="BedrockModelImportProps.ModelName"/>: 63 characters less the 9 of the import suffix.</summary>
    public const int MaxModelNameLength = 54;

    /// <summary>The CloudFormation type of the custom resource.</summary>
    public const string ResourceType = "Custom::BedrockModelImport";

    /// <summary>The actions <see cref="GrantInvoke"/> grants.</summary>
    public static readonly IReadOnlyList<string> InvokeActions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

    private const string HandlerType = "LlmHosting.Lambda.BedrockModelImport.Handler";
    internal static readonly string OnEventHandler = HandlerCode.HandlerName(HandlerType, "OnEvent");
    internal static readonly string IsCompleteHandler = HandlerCode.HandlerName(HandlerType, "IsComplete");

    /// <summary>Creates the import.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id. The custom resource's logical id derives from it: renaming it imports the model anew.</param>
    /// <param name="props">Settings; every default is documented on <see cref="BedrockModelImportProps"/>.</param>
    public BedrockModelImport(Construct scope, string id, BedrockModelImportProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var totalTimeout = props.TotalTimeout ?? DefaultTotalTimeout;
        var queryInterval = props.QueryInterval ?? DefaultQueryInterval;
        var prefix = Validate(props, totalTimeout, queryInterval);

        var stack = Stack.Of(this);
        var importJobs = stack.FormatArn(new ArnComponents
        {
            Service = "bedrock",
            Resource = "model-import-job",
            ResourceName = "*",
            ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
        });
        var importedModels = stack.FormatArn(new ArnComponents
        {
            Service = "bedrock",
            Resource = "imported-model",
            ResourceName = "*",
            ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
        });

        ServiceRole = new Role(this, "ServiceRole", new RoleProps
        {
            Description = $"Lets Amazon Bedrock read {prefix} of the model bucket for a model import job.",
            // The confused-deputy guard: only Bedrock import jobs of this account may assume the role.
            AssumedBy = new ServicePrincipal("bedrock.amazonaws.com").WithConditions(new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = importJobs },
            }),
        });
        props.ModelBucket.GrantRead(ServiceRole, prefix);

        HandlerRole = HandlerFunctions.NewRole(this, "HandlerRole", "Runs the BedrockModelImport custom resource handlers.");
        HandlerRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CreateModelImportJob",
            Actions = ["bedrock:CreateModelImportJob"],
            // CreateModelImportJob supports no resource type (Service Authorization Reference, Amazon Bedrock;
            // cfn-lint's Policies.json), so IAM denies it on any ARN: "*" is the only grant that works.
            Resources = ["*"],
        }));
        HandlerRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ListModelImportJobs",
            Actions = ["bedrock:ListModelImportJobs"],
            // Finds a job that an earlier, timed-out attempt left running (by the content key in its name). The action
            // supports no resource type either (Service Authorization Reference; cfn-lint's Policies.json).
            Resources = ["*"],
        }));
        HandlerRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["bedrock:GetModelImportJob"],
            Resources = [importJobs],
        }));
        HandlerRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["bedrock:GetImportedModel", "bedrock:DeleteImportedModel"],
            Resources = [importedModels],
        }));
        HandlerRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["iam:PassRole"],
            Resources = [ServiceRole.RoleArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "bedrock.amazonaws.com" },
            },
        }));
        HandlerRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["events:PutEvents"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "events", Resource = "event-bus", ResourceName = "default" })],
        }));

        NagSuppressions.Add(HandlerRole, "AwsSolutions-IAM5",
            "CreateModelImportJob and ListModelImportJobs support no resource type, and Bedrock assigns the ids of import jobs and imported models at run time, so those grants cover this account's jobs and models in the region (Service Authorization Reference, Amazon Bedrock).",
            "Resource::*", "/^Resource::arn:.+:bedrock:.+:(model-import-job|imported-model)\\/\\*$/");

        var code = HandlerCode.Get();
        var onEvent = HandlerFunctions.Create(this, "OnEvent", OnEventHandler, code, HandlerRole, Duration.Minutes(5),
            "Validates the model folder, then starts, replaces or deletes a Bedrock model import.", props.Logs);
        // Five minutes leave room for the client's retries (6 attempts of at most 30 s plus back-off).
        var isComplete = HandlerFunctions.Create(this, "IsComplete", IsCompleteHandler, code, HandlerRole, Duration.Minutes(5),
            "Polls a Bedrock model import job; on delete, deletes the model once its job has ended.", props.Logs);
        var provider = ProviderFramework.Create(this, "Provider", onEvent, props.Logs, isComplete, queryInterval, totalTimeout);

        var properties = new Dictionary<string, object>
        {
            ["ModelName"] = props.ModelName,
            ["S3Uri"] = props.ModelBucket.S3UriFor(prefix),
            ["RoleArn"] = ServiceRole.RoleArn,
            ["RetainOnDelete"] = props.RetainOnDelete == true ? "true" : "false",
        };
        // The folder is checked (Bedrock's rules) before the job starts; its fingerprint orders the import after the
        // check, and new content found by a later check imports the model anew.
        if (props.WeightsCheck?.Enabled != false)
        {
            var gate = WeightsGate.For(this, props.ModelBucket, prefix);
            gate.Require(WeightsRules.Bedrock);
            if (props.WeightsCheck?.ExpectedFiles is { } files)
            {
                gate.ExpectFiles(files);
            }

            properties["WeightsFingerprint"] = gate.Fingerprint;
            Gate = gate;
        }

        var resource = new CustomResource(this, "Resource", new CustomResourceProps
        {
            ServiceToken = provider.ServiceToken,
            ResourceType = ResourceType,
            Properties = properties,
        });
        // Bedrock reads the folder with the service role as soon as the job starts, so its policy must exist
        // first. (The role itself is already ordered by the RoleArn reference.)
        resource.Node.AddDependency(ServiceRole.Node.FindChild("DefaultPolicy"));
        CfnLint.IgnoreRedundantRoleDependencies(this);

        ImportedModelArn = resource.GetAttString("ModelArn");
        ImportedModelName = resource.GetAttString("ModelName");
    }

    /// <summary>ARN of the imported model (<c>arn:aws:bedrock:&lt;region&gt;:&lt;account&gt;:imported-model/&lt;id&gt;</c>): the model id for InvokeModel.</summary>
    public string ImportedModelArn { get; }

    /// <summary>
    /// Name of the imported model: <see cref="BedrockModelImportProps.ModelName"/> and an 8-character suffix derived
    /// from the stack, the construct's logical id and the imported content (folder, name, weights fingerprint).
    /// </summary>
    public string ImportedModelName { get; }

    /// <summary>The check of the model folder that runs before the import, or null when turned off.</summary>
    public WeightsGate? Gate { get; }

    /// <summary>The role Bedrock assumes to read the model folder.</summary>
    public IRole ServiceRole { get; }

    /// <summary>The role of the custom resource handlers.</summary>
    public IRole HandlerRole { get; }

    /// <summary>
    /// Grants <c>bedrock:InvokeModel</c> and <c>bedrock:InvokeModelWithResponseStream</c> on the imported
    /// model only.
    /// </summary>
    /// <param name="grantee">The principal that calls the model.</param>
    public Grant GrantInvoke(IGrantable grantee)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        return Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = InvokeActions.ToArray(),
            ResourceArns = [ImportedModelArn],
        });
    }

    private static string Validate(BedrockModelImportProps props, Duration totalTimeout, Duration queryInterval)
    {
        var problems = new List<string>();
        if (props.ModelBucket is null)
        {
            problems.Add("ModelBucket is required");
        }

        var prefix = props.ModelPrefix;
        try
        {
            prefix = Storage.ModelPrefix.Normalize(props.ModelPrefix ?? "");
        }
        catch (ArgumentException e)
        {
            problems.Add($"ModelPrefix: {e.Message.Split(" (Parameter", 2)[0].TrimEnd('.')}");
        }

        var name = props.ModelName ?? "";
        if (!Tokens.IsUnresolved(name) && (name.Length > MaxModelNameLength || !ModelNamePattern().IsMatch(name)))
        {
            problems.Add($"ModelName '{name}' must be 1-{MaxModelNameLength} letters and digits, each optionally followed by one '-' or '_' (Bedrock's imported model name rule, less the import suffix)");
        }

        if (!Tokens.IsUnresolved(totalTimeout.ToString()) && !Tokens.IsUnresolved(queryInterval.ToString()))
        {
            var total = totalTimeout.ToSeconds(new TimeConversionOptions { Integral = false });
            var interval = queryInterval.ToSeconds(new TimeConversionOptions { Integral = false });
            if (interval < 1 || interval % 1 != 0)
            {
                problems.Add($"QueryInterval is {queryInterval.ToHumanString()}; it must be a whole number of seconds, at least 1");
            }

            if (total > 3600)
            {
                problems.Add($"TotalTimeout is {totalTimeout.ToHumanString()}; the Provider framework waits at most 1 hour");
            }

            if (interval >= 1 && (total < interval || total % interval != 0))
            {
                problems.Add($"TotalTimeout {totalTimeout.ToHumanString()} must be an integer multiple of QueryInterval {queryInterval.ToHumanString()}");
            }
        }

        problems.AddRange(LogGroupOptions.Problems(props.Logs, nameof(props.Logs)).Select(p => p.Render()));
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid BedrockModelImportProps: {string.Join("; ", problems)}.");
        }

        return prefix;
    }

    [GeneratedRegex("^([0-9a-zA-Z][_-]?)+$")]
    private static partial Regex ModelNamePattern();
}
