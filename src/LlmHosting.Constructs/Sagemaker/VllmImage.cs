using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.ECR;
using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// The container image that serves the model: the AWS vLLM Deep Learning Container for SageMaker (the
/// registry account follows the region) with a pinned tag, or an image in an ECR repository of your own.
/// </summary>
public sealed class VllmImage
{
    /// <summary>
    /// Default DLC tag: vLLM 0.20.2 on CUDA 13.0, the image AWS used to launch the OpenAI-compatible API of
    /// SageMaker endpoints. Newer tags (for example <c>0.27.1-gpu-py312-cu130-ubuntu22.04-sagemaker</c>) work
    /// with <see cref="FromDlcTag"/>. Changing the tag replaces the model on the next deployment.
    /// </summary>
    public const string DefaultDlcTag = "0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker";

    /// <summary>Name of the vLLM repository in the DLC registries.</summary>
    public const string DlcRepositoryName = "vllm";

    private static readonly Regex TagPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant);

    private readonly string? _dlcTag;
    private readonly IRepository? _repository;
    private readonly string? _repositoryTag;

    private VllmImage(string? dlcTag, IRepository? repository, string? repositoryTag, Version? cudaVersion = null)
    {
        _dlcTag = dlcTag;
        _repository = repository;
        _repositoryTag = repositoryTag;
        CudaVersion = cudaVersion ?? InferenceAmiVersion.CudaFromTag(dlcTag ?? repositoryTag);
    }

    /// <summary>The vLLM DLC with <see cref="DefaultDlcTag"/>.</summary>
    public static VllmImage Default { get; } = new(DefaultDlcTag, null, null);

    /// <summary>The vLLM DLC with another tag of the <c>vllm</c> repository.</summary>
    /// <param name="tag">An image tag, for example <c>0.27.1-gpu-py312-cu130-ubuntu22.04-sagemaker</c>.</param>
    public static VllmImage FromDlcTag(string tag)
    {
        CheckTag(tag);
        return new VllmImage(tag, null, null);
    }

    /// <summary>
    /// An image of your own (for example the DLC extended with a plug-in). The execution role may pull from
    /// this repository only.
    /// </summary>
    /// <param name="repository">The ECR repository.</param>
    /// <param name="tag">The image tag.</param>
    /// <param name="cudaVersion">
    /// The CUDA version the image is built for, which decides the host AMI (<see cref="InferenceAmiVersion"/>).
    /// Default: read from a DLC-style tag (<c>cu130</c> is 13.0); when the tag does not name it, set it here or set the
    /// endpoint's <c>InferenceAmiVersion</c>.
    /// </param>
    public static VllmImage FromEcrRepository(IRepository repository, string tag, Version? cudaVersion = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        CheckTag(tag);
        return new VllmImage(null, repository, tag, cudaVersion);
    }

    /// <summary>The DLC tag, or null for an image of your own.</summary>
    public string? DlcTag => _dlcTag;

    /// <summary>The CUDA version the image is built for, or null when neither its tag nor its creator says.</summary>
    public Version? CudaVersion { get; }

    /// <summary>The image for messages: <c>vllm:&lt;tag&gt;</c> of the DLC, or <c>&lt;repository&gt;:&lt;tag&gt;</c>.</summary>
    internal string Describe(Construct scope)
        => _dlcTag is not null ? $"{DlcRepositoryName}:{_dlcTag}"
            : $"{(Tokens.IsUnresolved(_repository!.RepositoryName) ? "of ECR repository " + _repository.Node.Path : _repository.RepositoryName)}:{_repositoryTag}";

    /// <summary>
    /// The host AMI for this image: <paramref name="chosen"/> when it fits (or a problem naming both), otherwise the
    /// default for the image's CUDA version (or a problem asking for one when the CUDA version is unknown).
    /// </summary>
    /// <param name="scope">Any construct of the stack, for names in messages.</param>
    /// <param name="chosen">The AMI the user set, or null.</param>
    /// <param name="property">The property the AMI is set with, for example <c>InferenceAmiVersion</c>.</param>
    /// <param name="problems">Where problems are added.</param>
    internal InferenceAmiVersion? HostAmi(Construct scope, InferenceAmiVersion? chosen, string property, PropsProblems problems)
    {
        var p = Property.Ref(property);
        if (CudaVersion is not { } cuda)
        {
            if (chosen is null)
            {
                problems.Add(property, $"{p}: image {Describe(scope)} does not name its CUDA version (no cuXYZ in its tag); set {p} (for example {InferenceAmiVersion.Al2023Gpu4_1.Value} for CUDA 13) or pass the CUDA version to VllmImage.FromEcrRepository");
            }

            return chosen;
        }

        if (chosen is null)
        {
            var fit = InferenceAmiVersion.DefaultFor(cuda);
            if (fit is null)
            {
                problems.Add(property, $"{p}: no known host AMI runs image {Describe(scope)}, built for CUDA {InferenceAmiVersion.Format(cuda)} (newest known: {InferenceAmiVersion.Al2023Gpu4_1.Value}, CUDA 13.0); set {p} with InferenceAmiVersion.Custom");
            }

            return fit;
        }

        if (chosen.MisfitWith(cuda, Describe(scope), p) is { } misfit)
        {
            problems.Add(property, misfit);
        }

        return chosen;
    }

    /// <summary>
    /// The DLC registry account by region (aws/deep-learning-containers, region availability). Regions
    /// missing here have no vLLM DLC: use <see cref="FromEcrRepository"/> there.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DlcRegistryAccounts { get; } = BuildRegistryAccounts();

    /// <summary>The problems of using this image in the stack's region, or none.</summary>
    internal IEnumerable<string> Problems(Construct scope)
    {
        var region = Stack.Of(scope).Region;
        if (_dlcTag is not null && !Tokens.IsUnresolved(region) && !DlcRegistryAccounts.ContainsKey(region))
        {
            yield return $"the vLLM Deep Learning Container is not published in region {region} (known regions: {string.Join(", ", DlcRegistryAccounts.Keys)}); use VllmImage.FromEcrRepository with a copy of the image";
        }
    }

    /// <summary>The image URI as the template writes it.</summary>
    internal string ImageUri(Construct scope)
    {
        if (_repository is not null)
        {
            return _repository.RepositoryUriForTag(_repositoryTag);
        }

        return $"{DlcAccount(scope)}.dkr.ecr.{Stack.Of(scope).Region}.{Partitions.UrlSuffix(scope)}/{DlcRepositoryName}:{_dlcTag}";
    }

    /// <summary>Lets <paramref name="role"/> pull this image and nothing else.</summary>
    internal void GrantPull(Construct scope, IGrantable role)
    {
        if (_repository is not null)
        {
            _repository.GrantPull(role);
            return;
        }

        var stack = Stack.Of(scope);
        role.GrantPrincipal.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PullVllmImage",
            Actions = EcrPullActions,
            Resources = [$"arn:{Partitions.Partition(scope)}:ecr:{stack.Region}:{DlcAccount(scope)}:repository/{DlcRepositoryName}"],
        }));
        role.GrantPrincipal.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "EcrAuthorizationToken",
            Actions = ["ecr:GetAuthorizationToken"],
            // GetAuthorizationToken supports no resource-level restriction.
            Resources = ["*"],
        }));
    }

    /// <summary>Actions needed to pull layers of an image from one repository.</summary>
    internal static readonly string[] EcrPullActions = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

    /// <summary>Logical id of the region-to-account mapping in environment-agnostic stacks.</summary>
    internal const string MappingId = "VllmDlcRegistryAccounts";

    /// <summary>
    /// The registry account: a literal when the stack's region is known, otherwise a
    /// <c>Fn::FindInMap</c> over a mapping of every region, resolved at deploy time.
    /// </summary>
    private static string DlcAccount(Construct scope)
    {
        var stack = Stack.Of(scope);
        if (!Tokens.IsUnresolved(stack.Region))
        {
            return DlcRegistryAccounts.TryGetValue(stack.Region, out var account)
                ? account
                : throw new ArgumentException($"The vLLM Deep Learning Container is not published in region {stack.Region}; use VllmImage.FromEcrRepository.");
        }

        var mapping = stack.Node.TryFindChild(MappingId) as CfnMapping ?? new CfnMapping(stack, MappingId, new CfnMappingProps
        {
            Mapping = DlcRegistryAccounts.ToDictionary(
                r => r.Key,
                r => (IDictionary<string, object>)new Dictionary<string, object> { ["account"] = r.Value }),
        });
        return mapping.FindInMap(Aws.REGION, "account");
    }

    private static void CheckTag(string tag)
    {
        if (tag is null || !TagPattern.IsMatch(tag))
        {
            throw new ArgumentException($"Invalid image tag '{tag}': use 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'.", nameof(tag));
        }
    }

    private static Dictionary<string, string> BuildRegistryAccounts()
    {
        const string main = "763104351884";
        var accounts = new[]
        {
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
            "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
            "eu-north-1", "sa-east-1",
        }.ToDictionary(r => r, _ => main, StringComparer.Ordinal);
        accounts["af-south-1"] = "626614931356";
        accounts["ap-east-1"] = "871362719292";
        accounts["ap-northeast-3"] = "364406365360";
        accounts["eu-south-1"] = "692866216735";
        accounts["eu-central-2"] = "380420809688";
        accounts["me-south-1"] = "217643126080";
        accounts["me-central-1"] = "914824155844";
        accounts["il-central-1"] = "780543022126";
        accounts["cn-north-1"] = "727897471807";
        accounts["cn-northwest-1"] = "727897471807";
        return accounts;
    }
}

/// <summary>Partition and URL suffix of the stack's region: literals when the region is known, tokens otherwise.</summary>
internal static class Partitions
{
    internal static string UrlSuffix(Construct scope)
    {
        var region = Stack.Of(scope).Region;
        if (Tokens.IsUnresolved(region) || region.StartsWith("us-iso", StringComparison.Ordinal))
        {
            return Aws.URL_SUFFIX;
        }

        return region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
    }

    internal static string Partition(Construct scope)
    {
        var region = Stack.Of(scope).Region;
        if (Tokens.IsUnresolved(region) || region.StartsWith("us-iso", StringComparison.Ordinal))
        {
            return Aws.PARTITION;
        }

        return region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
            : "aws";
    }
}
