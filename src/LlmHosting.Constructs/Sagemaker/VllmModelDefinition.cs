using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// One model served by the vLLM container on some GPUs of an instance: the part shared by a whole-instance
/// endpoint (<c>VllmEndpoint</c>) and an inference component that gets some of the instance's GPUs.
/// Given the model, its source, the settings, the instance type and the GPUs allotted, it yields the image
/// URI, the container environment, the validation problems, the <see cref="CfnModel"/> and the execution
/// role's permissions.
/// </summary>
internal sealed partial class VllmModelDefinition
{
    /// <summary>GPU memory that must stay free for the KV cache after the weights are loaded, in GiB.</summary>
    internal const double MinimumKvCacheGiB = 1.0;

    /// <summary>Most environment variables a SageMaker container definition accepts.</summary>
    internal const int MaxEnvironmentEntries = 100;

    /// <summary>Longest environment value a SageMaker container definition accepts.</summary>
    internal const int MaxEnvironmentValueLength = 1024;

    private static readonly Regex FlagName = new("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant);
    private static readonly Regex VariableName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>Describes the model of <paramref name="options"/> on <paramref name="gpus"/> GPUs of <paramref name="instanceType"/>.</summary>
    /// <param name="options">The model, its source, settings, image and the other serving options.</param>
    /// <param name="instanceType">The instance type the model runs on.</param>
    /// <param name="gpus">GPUs given to the model: the instance's GPU count for an endpoint, N for a component.</param>
    internal VllmModelDefinition(VllmServingOptions options, GpuInstanceType instanceType, int gpus)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Model = options.Model ?? throw new ArgumentNullException(nameof(options), "Model is required.");
        Source = options.Source ?? throw new ArgumentNullException(nameof(options), "Source is required.");
        InstanceType = instanceType ?? throw new ArgumentNullException(nameof(instanceType));
        Settings = options.Vllm ?? new VllmSettings();
        Gpus = gpus;
        Image = options.Image ?? VllmImage.Default;
        EnableNetworkIsolation = options.EnableNetworkIsolation ?? !Source.NeedsInternet;
    }

    internal VllmServingOptions Options { get; }

    internal KnownModel Model { get; }

    internal ModelSource Source { get; }

    internal VllmSettings Settings { get; }

    internal GpuInstanceType InstanceType { get; }

    internal int Gpus { get; }

    internal VllmImage Image { get; }

    internal bool EnableNetworkIsolation { get; }

    /// <summary>Tensor parallel size: as set, or every GPU given to the model.</summary>
    internal int TensorParallelSize => Settings.TensorParallelSize ?? Gpus;

    /// <summary>GPU memory utilisation: as set, or vLLM's default.</summary>
    internal double GpuMemoryUtilization => Settings.GpuMemoryUtilization ?? VllmSettings.DefaultGpuMemoryUtilization;

    /// <summary>GPU memory vLLM may use on the GPUs of one replica, in GiB.</summary>
    internal double UsableGpuMemoryGiB => Math.Max(TensorParallelSize, 0) * InstanceType.GpuMemoryGiB * GpuMemoryUtilization;

    /// <summary>What is left for the KV cache once the weights are loaded, in GiB (negative when they do not fit).</summary>
    internal double KvCacheHeadroomGiB => UsableGpuMemoryGiB - Model.WeightMemoryGiB;

    /// <summary>The tool-call parser in effect, or null when tool calling is off.</summary>
    internal string? ToolCallParser
        => Settings.EnableToolCalling == false ? null : Settings.ToolCallParser ?? Model.ToolCallParser;

    /// <summary>The reasoning parser in effect, or null when off.</summary>
    internal string? ReasoningParser
        => (Settings.ReasoningParser ?? Model.ReasoningParser) is { Length: > 0 } parser ? parser : null;

    /// <summary>
    /// The variables of the model's start contract (<see cref="KnownModel.StartContract"/>) when the container runs without
    /// network access: where its start files are in <c>/opt/ml/model</c>, and the offline switches. None otherwise: a
    /// container with internet reaches the addresses itself.
    /// </summary>
    internal IReadOnlyDictionary<string, string> StartEnvironment
        => EnableNetworkIsolation && !Source.NeedsInternet ? Model.StartContract.Environment : new Dictionary<string, string>();

    /// <summary>The container environment: where the model is and every vLLM setting, ordered by name.</summary>
    internal SortedDictionary<string, string> Environment()
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Source.AddEnvironment(environment);
        foreach (var (name, value) in StartEnvironment)
        {
            environment[name] = value;
        }

        environment["SM_VLLM_SERVED_MODEL_NAME"] = Model.Name;
        environment["SM_VLLM_TENSOR_PARALLEL_SIZE"] = Invariant(TensorParallelSize);
        environment["SM_VLLM_GPU_MEMORY_UTILIZATION"] = Number(GpuMemoryUtilization);
        if (Settings.MaxModelLength is { } maxModelLength)
        {
            environment["SM_VLLM_MAX_MODEL_LEN"] = Invariant(maxModelLength);
        }

        if (Settings.MaxNumSeqs is { } maxNumSeqs)
        {
            environment["SM_VLLM_MAX_NUM_SEQS"] = Invariant(maxNumSeqs);
        }

        if (ToolCallParser is { } toolCallParser)
        {
            // Flags are passed empty: images before 2026-03 pass a literal "true" as the flag's value.
            environment["SM_VLLM_ENABLE_AUTO_TOOL_CHOICE"] = "";
            environment["SM_VLLM_TOOL_CALL_PARSER"] = toolCallParser;
        }

        if (ReasoningParser is { } reasoningParser)
        {
            environment["SM_VLLM_REASONING_PARSER"] = reasoningParser;
        }

        foreach (var (flag, value) in Settings.ExtraFlags ?? new Dictionary<string, string?>())
        {
            environment.TryAdd(FlagVariable(flag), value ?? "");
        }

        foreach (var (name, value) in Settings.Environment ?? new Dictionary<string, string>())
        {
            environment.TryAdd(name, value);
        }

        return environment;
    }

    /// <summary>The image URI, resolved for the stack's region (a mapping lookup in an environment-agnostic stack).</summary>
    internal string ImageUri(Construct scope) => Image.ImageUri(scope);

    /// <summary>
    /// Creates the SageMaker model. Call <see cref="GrantExecution"/> first: the model then depends on the
    /// role's policy, because SageMaker checks access to the image and the weights when the model is created.
    /// </summary>
    internal CfnModel CreateModel(Construct scope, string id, IRole role, CfnModel.VpcConfigProperty? vpcConfig = null)
    {
        var environment = Environment();
        // The weights are checked before the model exists; their fingerprint in the environment orders the model after
        // the check, and new content found by a later check replaces the model (and so rolls the endpoint).
        if (Source.Gate(scope, WeightsRules.SageMaker) is { } gate)
        {
            environment[WeightsGate.FingerprintVariable] = gate.Fingerprint;
            if (EnableNetworkIsolation)
            {
                // The container cannot download what its start contract lists: the gate requires it in the folder, with its hash.
                gate.RequireStartFiles(Model.StartContract.Files);
            }
        }

        var model = new CfnModel(scope, id, new CfnModelProps
        {
            ExecutionRoleArn = role.RoleArn,
            EnableNetworkIsolation = EnableNetworkIsolation,
            PrimaryContainer = new CfnModel.ContainerDefinitionProperty
            {
                Image = ImageUri(scope),
                Environment = environment.ToDictionary(e => e.Key, e => (object)e.Value),
                ModelDataSource = Source.ModelDataSource(),
            },
            VpcConfig = vpcConfig,
        });
        // The role itself is already a dependency through ExecutionRoleArn; its policy is not.
        if (role.Node.TryFindChild("DefaultPolicy") is IConstruct policy)
        {
            model.Node.AddDependency(policy);
        }

        return model;
    }

    /// <summary>
    /// Grants <paramref name="role"/> what the container needs and nothing more: pull the image, read the
    /// model's prefix (with the bucket key when there is one), write to the given log groups, and publish
    /// metrics under <c>/aws/sagemaker/</c>.
    /// </summary>
    /// <param name="scope">Any construct of the stack.</param>
    /// <param name="role">The execution role.</param>
    /// <param name="logGroupNames">Log groups the container writes to, for example <c>/aws/sagemaker/Endpoints/&lt;name&gt;</c>.</param>
    /// <param name="declared">True when the groups are declared in the stack; otherwise SageMaker must create them.</param>
    internal void GrantExecution(Construct scope, IRole role, IEnumerable<string> logGroupNames, bool declared)
    {
        Image.GrantPull(scope, role);
        Source.GrantRead(role);
        GrantLogs(scope, role, logGroupNames, declared);
    }

    /// <summary>Log and metric permissions of an execution role, limited to the given log groups.</summary>
    internal static void GrantLogs(Construct scope, IRole role, IEnumerable<string> logGroupNames, bool declared)
    {
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "WriteContainerLogs",
            Actions = ServingLogs.Actions(declared),
            Resources = logGroupNames.SelectMany(name => ServingLogs.Arns(scope, name)).ToArray(),
        }));
        ServingLogs.SuppressStreamWildcard(role);
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PublishSageMakerMetrics",
            Actions = ["cloudwatch:PutMetricData"],
            // PutMetricData supports no resource-level restriction; the namespace condition narrows it.
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringLike"] = new Dictionary<string, object> { ["cloudwatch:namespace"] = "/aws/sagemaker/*" },
            },
        }));
    }

    /// <summary>The variable for a vLLM flag name: <c>enable-prefix-caching</c> becomes <c>SM_VLLM_ENABLE_PREFIX_CACHING</c>.</summary>
    internal static string FlagVariable(string flag)
        => "SM_VLLM_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    internal static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

}
