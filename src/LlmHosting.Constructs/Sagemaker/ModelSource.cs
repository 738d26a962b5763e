using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// Where the container gets the weights: a folder of a <see cref="IModelBucket"/> (uncompressed, mounted
/// read-only at <c>/opt/ml/model</c>) or the Hugging Face Hub (downloaded at start-up; needs internet).
/// </summary>
public abstract class ModelSource
{
    /// <summary>Path at which SageMaker mounts an uncompressed S3 prefix.</summary>
    public const string ModelMountPath = "/opt/ml/model";

    private protected ModelSource()
    {
    }

    /// <summary>
    /// Weights in a folder of a model bucket. SageMaker copies the prefix, uncompressed, to
    /// <c>/opt/ml/model</c>, and <c>SM_VLLM_MODEL</c> points vLLM there. The execution role may read this
    /// prefix and nothing else.
    /// </summary>
    /// <param name="bucket">The model bucket.</param>
    /// <param name="prefix">The model's folder, for example <c>models/gpt-oss-20b/</c>.</param>
    /// <param name="check">
    /// How the folder is checked before the model is created (<see cref="WeightsGate"/>). Default: checked with
    /// <see cref="WeightsRules.SageMaker"/>, any content that meets them passes.
    /// </param>
    public static ModelSource FromBucket(IModelBucket bucket, string prefix, WeightsCheckOptions? check = null)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        return new BucketModelSource(bucket, ModelPrefix.Normalize(prefix), check ?? new WeightsCheckOptions());
    }

    /// <summary>
    /// Weights downloaded from the Hugging Face Hub when the container starts. The endpoint needs internet
    /// access, so network isolation must stay off (and a VPC, when used, needs a NAT route).
    /// </summary>
    /// <param name="modelId">Hugging Face model id, for example <c>openai/gpt-oss-20b</c>.</param>
    /// <param name="token">
    /// Secret holding an access token for gated models, or null. CloudFormation resolves it at deploy time
    /// into the model's <c>HF_TOKEN</c> variable, which <c>sagemaker:DescribeModel</c> shows: use a read-only
    /// token.
    /// </param>
    /// <param name="tokenJsonField">JSON key of the token when the secret holds a JSON object; null for a plain string.</param>
    /// <param name="revision">
    /// The commit of the model repository to serve: its 40-character hash (lower-case hex, as the Hub shows it), passed
    /// as <c>SM_VLLM_REVISION</c> (vLLM's <c>--revision</c>; the tokenizer follows it). Without it every container start
    /// downloads whatever the main branch holds then: a synthesis warning, or an error with
    /// <see cref="VllmServingOptions.RequirePinnedRevision"/>. Default: none.
    /// </param>
    public static ModelSource FromHuggingFace(string modelId, ISecret? token = null, string? tokenJsonField = null, string? revision = null)
    {
        if (string.IsNullOrWhiteSpace(modelId) || !Regex.IsMatch(modelId, @"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$"))
        {
            throw new ArgumentException($"Invalid Hugging Face model id '{modelId}': use <organisation>/<model>, for example openai/gpt-oss-20b.", nameof(modelId));
        }

        if (revision is not null && !IsCommitHash(revision))
        {
            throw new ArgumentException($"Invalid revision '{revision}' of Hugging Face model {modelId}: give the commit hash, 40 lower-case hexadecimal characters (a branch or tag name can move).", nameof(revision));
        }

        return new HuggingFaceModelSource(modelId, token, tokenJsonField, revision);
    }

    /// <summary>True for a full git commit hash as the Hugging Face Hub shows it: 40 lower-case hexadecimal characters.</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsCommitHash(string? value) => value is not null && Regex.IsMatch(value, "^[0-9a-f]{40}$");

    /// <summary>True when the container needs internet access to get the weights.</summary>
    public abstract bool NeedsInternet { get; }

    /// <summary>A short description for messages, for example <c>s3://bucket/models/x/</c>.</summary>
    internal abstract string Describe();

    /// <summary>Environment variables that tell vLLM where the model is.</summary>
    internal abstract void AddEnvironment(IDictionary<string, string> environment);

    /// <summary>The S3 data source of the model, or null when the container downloads the weights itself.</summary>
    internal abstract Amazon.CDK.AWS.Sagemaker.CfnModel.ModelDataSourceProperty? ModelDataSource();

    /// <summary>Grants the execution role what it needs to get the weights, or nothing.</summary>
    internal abstract void GrantRead(IGrantable role);

    /// <summary>
    /// The gate that checks the weights before <paramref name="consumer"/>'s stack loads them with
    /// <paramref name="rules"/>, or null when the source has no folder to check or the check is off.
    /// </summary>
    internal virtual WeightsGate? Gate(Construct consumer, WeightsRules rules) => null;

    /// <summary>
    /// Reports a source whose content can change upstream without a deployment: a problem when <paramref name="required"/>,
    /// otherwise a warning annotation on <paramref name="scope"/>. Nothing for sources that are pinned by nature.
    /// </summary>
    internal virtual void CheckPinned(IConstruct scope, bool required, string prefix, PropsProblems problems)
    {
    }

    /// <summary>
    /// Reports a source that cannot hold what the model's start contract lists, for a container without network access:
    /// a bucket folder whose weights manifest (the exact objects expected) lacks a start file.
    /// </summary>
    internal virtual void CheckStartContract(KnownModel model, string prefix, PropsProblems problems)
    {
    }
}

/// <summary>Uncompressed weights under a prefix of a model bucket.</summary>
internal sealed class BucketModelSource(IModelBucket bucket, string prefix, WeightsCheckOptions check) : ModelSource
{
    public IModelBucket Bucket { get; } = bucket;

    public string Prefix { get; } = prefix;

    public override bool NeedsInternet => false;

    internal override string Describe() => $"prefix {Prefix} of the model bucket";

    internal override void AddEnvironment(IDictionary<string, string> environment)
        => environment["SM_VLLM_MODEL"] = ModelMountPath;

    internal override Amazon.CDK.AWS.Sagemaker.CfnModel.ModelDataSourceProperty ModelDataSource() => new()
    {
        S3DataSource = new Amazon.CDK.AWS.Sagemaker.CfnModel.S3DataSourceProperty
        {
            S3Uri = Bucket.S3UriFor(Prefix),
            S3DataType = "S3Prefix",
            CompressionType = "None",
        },
    };

    internal override void GrantRead(IGrantable role) => Bucket.GrantRead(role, Prefix);

    internal override void CheckStartContract(KnownModel model, string prefix, PropsProblems problems)
    {
        if (check.ExpectedFiles is not { } expected)
        {
            return;
        }

        var missing = model.StartContract.Files.Where(f => !expected.Any(e => e.Key == f.Key)).Select(f => f.Key).ToList();
        if (missing.Count > 0)
        {
            var source = prefix + nameof(VllmServingOptions.Source);
            problems.Add(source, $"{Property.Ref(source)}: the expected files of {Prefix} (the weights manifest) lack {string.Join(", ", missing)}, which the container of model {model.Name} reads at start ({model.StartContract.Name} start contract) and cannot download under network isolation; add them with `llmhost prepare-model <folder> --fix`, upload the folder again and use its new manifest");
        }
    }

    internal override WeightsGate? Gate(Construct consumer, WeightsRules rules)
    {
        if (check.Enabled == false)
        {
            return null;
        }

        var gate = WeightsGate.For(consumer, Bucket, Prefix);
        gate.Require(rules);
        if (check.ExpectedFiles is { } files)
        {
            gate.ExpectFiles(files);
        }

        return gate;
    }
}

/// <summary>Weights downloaded from the Hugging Face Hub at start-up.</summary>
internal sealed class HuggingFaceModelSource(string modelId, ISecret? token, string? tokenJsonField, string? revision) : ModelSource
{
    /// <summary>The id of the warning annotation for an unpinned source.</summary>
    internal const string UnpinnedWarningId = "LlmHosting:UnpinnedHuggingFaceSource";

    public string ModelId { get; } = modelId;

    public string? Revision { get; } = revision;

    public override bool NeedsInternet => true;

    internal override string Describe() => $"Hugging Face model {ModelId}";

    internal override void AddEnvironment(IDictionary<string, string> environment)
    {
        environment["HF_MODEL_ID"] = ModelId;
        if (Revision is not null)
        {
            // The DLC entrypoint turns SM_VLLM_REVISION into --revision (aws/deep-learning-containers,
            // scripts/docker/vllm/sagemaker_entrypoint.sh and sagemaker_args.py); vLLM then downloads that commit, and
            // the tokenizer's revision defaults to it (vllm/config/model.py).
            environment["SM_VLLM_REVISION"] = Revision;
        }

        if (token is not null)
        {
            // A dynamic reference: the token never appears in the template, CloudFormation resolves it.
            environment["HF_TOKEN"] = (tokenJsonField is null ? token.SecretValue : token.SecretValueFromJson(tokenJsonField)).UnsafeUnwrap();
        }
    }

    internal override Amazon.CDK.AWS.Sagemaker.CfnModel.ModelDataSourceProperty? ModelDataSource() => null;

    // CloudFormation resolves the token with the deployer's credentials; the execution role needs nothing.
    internal override void GrantRead(IGrantable role)
    {
    }

    internal override void CheckPinned(IConstruct scope, bool required, string prefix, PropsProblems problems)
    {
        if (Revision is not null)
        {
            return;
        }

        var source = prefix + nameof(VllmServingOptions.Source);
        // The revision is named as a property path (Source.Revision: FromHuggingFace's revision), so that an app can name
        // its own setting for it.
        var message = $"the weights come from Hugging Face model {ModelId} without a pinned revision: every container start downloads whatever its main branch holds then, so an upstream commit changes what serves without a deployment; set {Property.Ref(source + "." + nameof(HuggingFaceModelSource.Revision))} to the commit to serve";
        if (required)
        {
            problems.Add(source, $"{Property.Ref(source)}: {message} ({Property.Ref(prefix + nameof(VllmServingOptions.RequirePinnedRevision))} is true)");
        }
        else
        {
            Annotations.Of(scope).AddWarningV2(UnpinnedWarningId, $"{scope.Node.Path}: {Property.Render(message, path => path)}.");
        }
    }
}
