using Amazon.CDK;
using Amazon.CDK.AwsBedrock;
using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Bedrock.OnDemand;

/// <summary>
/// A Bedrock foundation model that the stack's environment may call on demand (nothing is deployed for it): checked at
/// synth against the regions that offer it, with grants on exactly its ARN and its OpenAI-compatible addresses for the
/// model directory. A model not offered in the stack's region fails with the regions that offer it; when the stack's
/// region is unknown (an environment-agnostic stack) the check cannot run and a warning says so.
/// </summary>
/// <example>
/// <code>
/// var gptOss = new BedrockOnDemandModel(this, "GptOss120b", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss120b });
/// gptOss.GrantInvoke(appRole, allowBearerKeys: true);
/// </code>
/// </example>
public sealed class BedrockOnDemandModel : Construct
{
    /// <summary>The id of the warning given when the stack's region is unknown.</summary>
    public const string RegionUnknownWarning = "@llmhosting/bedrock:onDemandRegionUnknown";

    /// <summary>Creates the model reference, or throws <see cref="PropsValidationException"/> naming every problem.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">The model.</param>
    public BedrockOnDemandModel(Construct scope, string id, BedrockOnDemandModelProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        Model = props.Model;
        ResponsesApi = props.ResponsesApi ?? false;
        Region = Stack.Of(this).Region;
        Validate();

        // aws-cdk-lib's own foundation-model reference: arn:<partition>:bedrock:<region>::foundation-model/<id>, the
        // ARN format of the foundation-model resource type (Service Authorization Reference, cfn-lint's Policies.json).
        ModelArn = FoundationModel.FromFoundationModelId(this, "FoundationModel", new FoundationModelIdentifier(Model.ModelId)).ModelArn;
        var urlSuffix = Partitions.UrlSuffix(this);
        RuntimeEndpoint = $"https://bedrock-runtime.{Region}.{urlSuffix}";
        // Bedrock runtime's OpenAI-compatible base (User Guide, "Invoke a model with the OpenAI Chat Completions API").
        ChatCompletionsBaseUrl = RuntimeEndpoint + "/openai/v1";
        // Mantle serves gpt-oss under /v1 (User Guide, "Responses API": "the path prefix varies by model ... most
        // models are served under /v1"); its host is in api.aws in every documented region.
        ResponsesBaseUrl = ResponsesApi ? $"https://bedrock-mantle.{Region}.api.aws/v1" : null;
    }

    /// <summary>The model.</summary>
    public BedrockFoundationModel Model { get; }

    /// <summary>The model id to send, e.g. <c>openai.gpt-oss-120b-1:0</c>.</summary>
    public string ModelId => Model.ModelId;

    /// <summary>ARN of the model in the stack's region: <c>arn:&lt;partition&gt;:bedrock:&lt;region&gt;::foundation-model/&lt;id&gt;</c>.</summary>
    public string ModelArn { get; }

    /// <summary>The stack's region, where the model is called (a token in an environment-agnostic stack).</summary>
    public string Region { get; }

    /// <summary>Whether the OpenAI Responses API on the Mantle endpoint is offered (<see cref="BedrockOnDemandModelProps.ResponsesApi"/>).</summary>
    public bool ResponsesApi { get; }

    /// <summary>Bedrock runtime's endpoint, <c>https://bedrock-runtime.&lt;region&gt;.amazonaws.com</c>.</summary>
    public string RuntimeEndpoint { get; }

    /// <summary>The OpenAI base URL for Chat Completions: <c>https://bedrock-runtime.&lt;region&gt;.amazonaws.com/openai/v1</c>.</summary>
    public string ChatCompletionsBaseUrl { get; }

    /// <summary>The OpenAI base URL of the Responses API on Mantle, <c>https://bedrock-mantle.&lt;region&gt;.api.aws/v1</c>, or null when not offered.</summary>
    public string? ResponsesBaseUrl { get; }

    /// <summary>The model id to send to the Responses API on Mantle (e.g. <c>openai.gpt-oss-120b</c>), or null when not offered.</summary>
    public string? ResponsesModelId => ResponsesApi ? Model.ResponsesModelId : null;

    /// <summary>
    /// Grants what a caller of this model needs, on exactly this model: <see cref="BedrockGrants.InvokeActions"/> on
    /// <see cref="ModelArn"/> (SigV4 calls to InvokeModel and to Bedrock runtime's <c>/openai/v1</c> Chat Completions,
    /// which InvokeModel authorizes: User Guide, "Making inference requests"); with <see cref="ResponsesApi"/>,
    /// <see cref="BedrockGrants.ResponsesActions"/> on the account's Mantle projects in the region; with
    /// <paramref name="allowBearerKeys"/>, <see cref="BedrockGrants.BearerKeyActions"/> on <c>*</c> (no resource type).
    /// </summary>
    /// <param name="grantee">The principal.</param>
    /// <param name="allowBearerKeys">Whether the grantee may call with Bedrock API keys (<c>bedrock-api-key-</c> tokens). Default: false.</param>
    public Grant GrantInvoke(IGrantable grantee, bool allowBearerKeys = false)
        => BedrockGrants.GrantInvoke(grantee, new BedrockInvokeTargets { OnDemandModels = [this], AllowBearerKeys = allowBearerKeys });

    private void Validate()
    {
        var problems = new PropsProblems(nameof(BedrockOnDemandModelProps));
        if (Model is null)
        {
            problems.Add(nameof(BedrockOnDemandModelProps.Model), $"{Property.Ref(nameof(BedrockOnDemandModelProps.Model))} is required");
            problems.ThrowIfAny(Node.Path);
            return;
        }

        if (Tokens.IsUnresolved(Region))
        {
            Annotations.Of(this).AddWarningV2(
                RegionUnknownWarning,
                $"The stack's region is unknown at synth (environment-agnostic stack), so it cannot be checked that Bedrock offers {Model.ModelId} there"
                + (Model.Regions is { } offered ? $" (offered in {string.Join(", ", offered)})" : "") + ". Give the stack an env with a region to check it.");
        }
        else
        {
            if (!Model.IsOfferedIn(Region))
            {
                problems.Add(
                    nameof(BedrockOnDemandModelProps.Model),
                    $"{Property.Ref(nameof(BedrockOnDemandModelProps.Model))} {Model.ModelId} is not offered in {Region}; Bedrock offers it in "
                    + $"{string.Join(", ", Model.Regions!)} (if AWS offers it in {Region} now, pass the regions with BedrockFoundationModel.WithRegions)");
            }

            if (ResponsesApi && Model.ResponsesModelId is not null && !Model.IsOfferedOnMantleIn(Region))
            {
                problems.Add(
                    nameof(BedrockOnDemandModelProps.ResponsesApi),
                    $"{Property.Ref(nameof(BedrockOnDemandModelProps.ResponsesApi))} is on, but Bedrock's Mantle endpoint does not serve {Model.ModelId} in {Region}; "
                    + $"it does in {string.Join(", ", Model.ResponsesRegions!)}");
            }
        }

        if (ResponsesApi && Model.ResponsesModelId is null)
        {
            problems.Add(
                nameof(BedrockOnDemandModelProps.ResponsesApi),
                $"{Property.Ref(nameof(BedrockOnDemandModelProps.ResponsesApi))} is on, but {Model.ModelId} has no Mantle model id (give one to BedrockFoundationModel.Custom)");
        }

        problems.ThrowIfAny(Node.Path);
    }
}
