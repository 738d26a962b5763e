using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Bedrock.OnDemand;

/// <summary>What a <see cref="BedrockGrants.GrantInvoke"/> covers.</summary>
public sealed class BedrockInvokeTargets
{
    /// <summary>Foundation models called on demand. Default: none.</summary>
    public IReadOnlyList<BedrockOnDemandModel>? OnDemandModels { get; init; }

    /// <summary>Models imported with Bedrock Custom Model Import. Default: none.</summary>
    public IReadOnlyList<BedrockModelImport>? ImportedModels { get; init; }

    /// <summary>
    /// Whether the grantee may call with Bedrock API keys (<c>bedrock-api-key-</c> short-term tokens, made by
    /// <c>LlmHosting.Client</c>'s BearerTokenGenerator). Default: false (SigV4 only).
    /// </summary>
    public bool? AllowBearerKeys { get; init; }
}

/// <summary>
/// Invoke grants for Bedrock models, on exactly the models given. Resource types and ARN formats are those of the
/// Service Authorization Reference as cfn-lint ships it (<c>data/AdditionalSpecs/Policies.json</c>, services
/// <c>bedrock</c> and <c>bedrock-mantle</c>).
/// </summary>
public static class BedrockGrants
{
    /// <summary>
    /// Calling a model: <c>bedrock:InvokeModel</c> and <c>bedrock:InvokeModelWithResponseStream</c> (resource types
    /// <c>foundation-model</c>, <c>imported-model</c>...). They also authorize Converse and Bedrock runtime's OpenAI
    /// Chat Completions path (User Guide, "Making inference requests": the bedrock-runtime endpoint's Converse, Invoke,
    /// Chat Completions and Responses APIs take these actions).
    /// </summary>
    public static IReadOnlyList<string> InvokeActions => BedrockModelImport.InvokeActions;

    /// <summary>
    /// The OpenAI Responses API on the Mantle endpoint: <c>bedrock-mantle:CreateInference</c>, whose only resource type
    /// is <c>project</c> (<c>arn:&lt;partition&gt;:bedrock-mantle:&lt;region&gt;:&lt;account&gt;:project/&lt;id&gt;</c>);
    /// <c>bedrock:InvokeModel</c> does not authorize Mantle (User Guide, "Making inference requests", bedrock-mantle endpoint).
    /// </summary>
    public static readonly IReadOnlyList<string> ResponsesActions = ["bedrock-mantle:CreateInference"];

    /// <summary>Calling Bedrock runtime with an API key: <c>bedrock:CallWithBearerToken</c>, which supports no resource type (so <c>*</c>).</summary>
    public static readonly IReadOnlyList<string> BearerKeyActions = ["bedrock:CallWithBearerToken"];

    /// <summary>Calling Mantle with an API key: <c>bedrock-mantle:CallWithBearerToken</c>, which supports no resource type (so <c>*</c>).</summary>
    public static readonly IReadOnlyList<string> ResponsesBearerKeyActions = ["bedrock-mantle:CallWithBearerToken"];

    /// <summary>
    /// Grants <see cref="InvokeActions"/> on the foundation-model ARNs of <see cref="BedrockInvokeTargets.OnDemandModels"/>
    /// and the imported-model ARNs of <see cref="BedrockInvokeTargets.ImportedModels"/> (one statement);
    /// <see cref="ResponsesActions"/> on the Mantle projects of the account in the region of each on-demand model that
    /// offers the Responses API; and, with <see cref="BedrockInvokeTargets.AllowBearerKeys"/>, <see cref="BearerKeyActions"/>
    /// (plus <see cref="ResponsesBearerKeyActions"/> when Mantle is used) on <c>*</c>. Nothing when there is no model.
    /// </summary>
    /// <param name="grantee">The principal.</param>
    /// <param name="targets">The models and whether API keys are allowed.</param>
    public static Grant GrantInvoke(IGrantable grantee, BedrockInvokeTargets targets)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        ArgumentNullException.ThrowIfNull(targets);
        var onDemand = targets.OnDemandModels ?? [];
        var imported = targets.ImportedModels ?? [];
        var modelArns = onDemand.Select(m => m.ModelArn).Concat(imported.Select(i => i.ImportedModelArn)).Distinct().ToArray();
        if (modelArns.Length == 0)
        {
            return Grant.Drop(grantee, "invoke no Bedrock model");
        }

        var grant = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = InvokeActions.ToArray(),
            ResourceArns = modelArns,
        });

        var mantle = onDemand.Where(m => m.ResponsesApi).ToList();
        if (mantle.Count > 0)
        {
            var projects = mantle.Select(m => Stack.Of(m).FormatArn(new ArnComponents
            {
                Service = "bedrock-mantle",
                Region = m.Region,
                Resource = "project",
                ResourceName = "*",
                ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
            })).Distinct().ToArray();
            grant = grant.Combine(Grant.AddToPrincipal(new GrantOnPrincipalOptions
            {
                Grantee = grantee,
                Actions = ResponsesActions.ToArray(),
                ResourceArns = projects,
            }));
            NagSuppressions.AddToGrantee(grantee, "AwsSolutions-IAM5",
                "bedrock-mantle:CreateInference authorizes on the project resource type only, not on a model (cfn-lint Policies.json, bedrock-mantle), and requests go to the default project, so it is granted on project/*; the Responses API is opted into per model (ResponsesApi).",
                // The project ARN as cdk-nag renders it, with or without a resolved partition, region and account.
                "/^Resource::arn:[^:]+:bedrock-mantle:[^:]*:[^:]*:project\\/\\*$/");
        }

        if (targets.AllowBearerKeys == true)
        {
            grant = grant.Combine(Grant.AddToPrincipal(new GrantOnPrincipalOptions
            {
                Grantee = grantee,
                Actions = (mantle.Count > 0 ? BearerKeyActions.Concat(ResponsesBearerKeyActions) : BearerKeyActions).ToArray(),
                ResourceArns = ["*"],
            }));
            NagSuppressions.AddToGrantee(grantee, "AwsSolutions-IAM5",
                "bedrock:CallWithBearerToken supports no resource type, so it is granted on *; what a key may invoke stays limited to the model ARNs of bedrock:InvokeModel (cfn-lint Policies.json, bedrock; Bedrock user guide, API keys).",
                "Resource::*");
        }

        return grant;
    }
}
