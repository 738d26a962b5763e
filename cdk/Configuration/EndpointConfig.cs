using System.Globalization;
using System.Text.RegularExpressions;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Configuration;

/// <summary>
/// One SageMaker vLLM endpoint of an environment (<c>endpoints[i]</c>). Its physical name is
/// <c>&lt;namePrefix&gt;-&lt;name&gt;</c>.
/// </summary>
public sealed record EndpointConfig : ServedModelConfig
{
    /// <summary>SageMaker GPU instance type of the catalog, for example <c>ml.g6e.xlarge</c>.</summary>
    public string InstanceType { get; init; } = "";

    /// <summary>Instances at creation and the floor of autoscaling. Default: 1.</summary>
    public int MinInstances { get; init; } = 1;

    /// <summary>Ceiling of autoscaling on invocations per instance. Default: <see cref="MinInstances"/>.</summary>
    public int? MaxInstances { get; init; }

    /// <summary>
    /// Host AMI of the instances (<c>al2023-ami-sagemaker-inference-gpu-4-1</c>...). Default: the oldest AMI whose NVIDIA
    /// driver runs the image's CUDA version.
    /// </summary>
    public string? InferenceAmiVersion { get; init; }

    /// <summary>vLLM settings. Default: the construct's defaults for the model and instance.</summary>
    public VllmConfig Vllm { get; init; } = new();

    /// <summary>The catalog instance type, once validated.</summary>
    internal GpuInstanceType GpuInstanceType => GpuInstanceType.FromName(InstanceType);

    /// <summary>The model, once validated.</summary>
    internal KnownModel KnownModel => ResolveModel(Vllm.ToolCallParser, Vllm.ReasoningParser);

    internal void Validate(ICollection<string> problems, string path, string namePrefix)
    {
        ValidateServedModel(problems, path, namePrefix, "endpoint");
        ConfigNames.ValidateInstanceType(problems, $"{path}.instanceType", InstanceType, "ml.g6e.xlarge");
        ConfigNames.ValidateInferenceAmiVersion(problems, $"{path}.inferenceAmiVersion", InferenceAmiVersion);

        if (MinInstances < 1)
        {
            problems.Add($"{path}.minInstances {MinInstances} must be at least 1");
        }

        if (MaxInstances is { } max && max < MinInstances)
        {
            problems.Add($"{path}.maxInstances {max} is below minInstances {MinInstances}");
        }

        Vllm.Validate(problems, $"{path}.vllm");
    }
}

/// <summary>vLLM settings of an endpoint (<c>endpoints[i].vllm</c>); each maps onto a <see cref="VllmSettings"/> member.</summary>
public sealed record VllmConfig
{
    /// <summary>GPUs one replica is sharded over. Default: the instance's GPU count.</summary>
    public int? TensorParallelSize { get; init; }

    /// <summary>Longest context in tokens. Default: the model's maximum.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Most concurrent sequences. Default: vLLM's default.</summary>
    public int? MaxNumSeqs { get; init; }

    /// <summary>Share of GPU memory vLLM may use, above 0 and at most 1. Default: 0.9.</summary>
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>Tool calling. Default: on when the model has a known parser.</summary>
    public bool? EnableToolCalling { get; init; }

    /// <summary>Tool-call parser. Default: the model's.</summary>
    public string? ToolCallParser { get; init; }

    /// <summary>Reasoning parser; empty turns it off. Default: the model's.</summary>
    public string? ReasoningParser { get; init; }

    /// <summary>Tag of the vLLM DLC image. Default: the construct's pinned tag.</summary>
    public string? ImageTag { get; init; }

    /// <summary>Other vLLM flags by name, without dashes; null or empty for a bare flag. Default: none.</summary>
    public Dictionary<string, string?>? ExtraFlags { get; init; }

    /// <summary>The construct settings.</summary>
    internal VllmSettings ToSettings() => new()
    {
        TensorParallelSize = TensorParallelSize,
        MaxModelLength = MaxModelLength,
        MaxNumSeqs = MaxNumSeqs,
        GpuMemoryUtilization = GpuMemoryUtilization,
        EnableToolCalling = EnableToolCalling,
        ToolCallParser = ToolCallParser,
        ReasoningParser = ReasoningParser,
        ExtraFlags = ExtraFlags,
    };

    internal void Validate(ICollection<string> problems, string path)
    {
        if (TensorParallelSize is < 1)
        {
            problems.Add($"{path}.tensorParallelSize {TensorParallelSize} must be at least 1");
        }

        if (MaxModelLength is < 1)
        {
            problems.Add($"{path}.maxModelLength {MaxModelLength} must be at least 1");
        }

        if (MaxNumSeqs is < 1)
        {
            problems.Add($"{path}.maxNumSeqs {MaxNumSeqs} must be at least 1");
        }

        if (GpuMemoryUtilization is { } utilization && !(utilization > 0 && utilization <= 1))
        {
            problems.Add($"{path}.gpuMemoryUtilization {utilization.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 1");
        }

        if (ImageTag is not null && !Regex.IsMatch(ImageTag, @"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"))
        {
            problems.Add($"{path}.imageTag '{ImageTag}' is not an image tag");
        }
    }
}

/// <summary>
/// Who may assume the environment's invoker role (<c>invoker</c>), which may call every endpoint of the
/// environment through the OpenAI-compatible API.
/// </summary>
public sealed record InvokerConfig
{
    /// <summary>Trusted account ids. Default: the environment's own account, when no role is trusted either.</summary>
    public List<string> TrustedAccountIds { get; init; } = [];

    /// <summary>Trusted IAM role ARNs. Default: none.</summary>
    public List<string> TrustedRoleArns { get; init; } = [];

    internal void Validate(ICollection<string> problems)
    {
        foreach (var account in TrustedAccountIds.Where(a => !Regex.IsMatch(a, @"^\d{12}$")))
        {
            problems.Add($"invoker.trustedAccountIds '{account}' is not a 12-digit AWS account id");
        }

        foreach (var arn in TrustedRoleArns.Where(r => !Regex.IsMatch(r, @"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")))
        {
            problems.Add($"invoker.trustedRoleArns '{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
        }
    }
}
