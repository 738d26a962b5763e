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
internal sealed class VllmModelDefinition
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
    /// Every problem of this definition and of the serving options every construct shares. Property markers are put
    /// under <paramref name="prefix"/> (for example <c>Models[1].</c>) so that messages name the right place.
    /// </summary>
    internal IReadOnlyList<PropsProblem> Problems(Construct scope, string prefix = "")
    {
        var problems = new PropsProblems("");
        var settings = Settings;
        string P(string property) => Property.Ref(prefix + property);
        void Add(string property, string message) => problems.Add(prefix + property, message);

        if (Gpus < 1 || Gpus > InstanceType.GpuCount)
        {
            Add("Gpus", $"{P("Gpus")} {Gpus} must be between 1 and the {Plural(InstanceType.GpuCount, "GPU")} of {InstanceType.Name}");
        }

        var tp = TensorParallelSize;
        var tensorParallel = P("Vllm.TensorParallelSize");
        if (tp < 1)
        {
            Add("Vllm.TensorParallelSize", $"{tensorParallel} {tp} must be at least 1");
        }
        else if (Gpus >= 1 && tp > Gpus)
        {
            Add("Vllm.TensorParallelSize", $"{tensorParallel} {tp} exceeds the {GpuDescription()}");
        }
        else if (Gpus >= 1 && Gpus % tp != 0)
        {
            var divisors = Enumerable.Range(1, Gpus).Where(d => Gpus % d == 0).Select(d => d.ToString(CultureInfo.InvariantCulture));
            Add("Vllm.TensorParallelSize", $"{tensorParallel} {tp} does not divide the {GpuDescription()}; use {JoinOr(divisors.ToList())}");
        }

        var utilization = GpuMemoryUtilization;
        var utilizationValid = utilization > 0 && utilization <= 1;
        if (!utilizationValid)
        {
            Add("Vllm.GpuMemoryUtilization", $"{P("Vllm.GpuMemoryUtilization")} {Number(utilization)} must be above 0 and at most 1");
        }

        if (settings.MaxModelLength is < 1)
        {
            Add("Vllm.MaxModelLength", $"{P("Vllm.MaxModelLength")} {settings.MaxModelLength} must be at least 1 token");
        }
        else if (settings.MaxModelLength is { } length && Model.MaxContextLength is { } limit && length > limit)
        {
            Add("Vllm.MaxModelLength", $"{P("Vllm.MaxModelLength")} {length} is above the {limit} tokens model {Model.Name} supports (max_position_embeddings of its config.json); vLLM refuses to start with it");
        }

        if (settings.MaxNumSeqs is < 1)
        {
            Add("Vllm.MaxNumSeqs", $"{P("Vllm.MaxNumSeqs")} {settings.MaxNumSeqs} must be at least 1");
        }

        if (tp >= 1 && tp <= Math.Max(Gpus, 1) && utilizationValid && KvCacheHeadroomGiB < MinimumKvCacheGiB)
        {
            Add("InstanceType",
                $"model {Model.Name} needs {Number(Model.WeightMemoryGiB)} GiB of GPU memory for its weights plus at least {Number(MinimumKvCacheGiB)} GiB for the KV cache, "
                + $"but {InstanceType.Name} offers {Number(UsableGpuMemoryGiB)} GiB to it ({Plural(tp, "GPU")} x {Number(InstanceType.GpuMemoryGiB)} GiB {InstanceType.GpuModel} x {P("Vllm.GpuMemoryUtilization")} {Number(utilization)}), "
                + $"a headroom of {Number(KvCacheHeadroomGiB)} GiB; choose an {P("InstanceType")} with more GPU memory"
                + (tp < InstanceType.GpuCount ? $" or a larger {tensorParallel}" : ""));
        }

        if (settings.EnableToolCalling == true && (settings.ToolCallParser ?? Model.ToolCallParser) is null)
        {
            Add("Vllm.EnableToolCalling", $"{P("Vllm.EnableToolCalling")} is true but no tool-call parser is known for model {Model.Name}; set {P("Vllm.ToolCallParser")}");
        }

        if (EnableNetworkIsolation && Source.NeedsInternet)
        {
            Add("EnableNetworkIsolation", $"{P("EnableNetworkIsolation")} is true but the weights come from {Source.Describe()}, which needs internet access; turn network isolation off or load the weights from a model bucket");
        }

        foreach (var problem in Image.Problems(scope))
        {
            Add("Image", $"{P("Image")}: {problem}");
        }

        foreach (var (property, message) in EnvironmentProblems(P))
        {
            Add(property, message);
        }

        SagemakerNames.CheckTimeout(problems, prefix + nameof(VllmServingOptions.ContainerStartupHealthCheckTimeout), Options.ContainerStartupHealthCheckTimeout);
        SagemakerNames.CheckTimeout(problems, prefix + nameof(VllmServingOptions.ModelDataDownloadTimeout), Options.ModelDataDownloadTimeout);
        if (Options.ModelLatencyAlarmThreshold is { } latency && !Token.IsUnresolved(latency.ToString()) && latency.ToMilliseconds(new TimeConversionOptions { Integral = false }) <= 0)
        {
            Add(nameof(VllmServingOptions.ModelLatencyAlarmThreshold), $"{P(nameof(VllmServingOptions.ModelLatencyAlarmThreshold))} must be above 0");
        }

        problems.AddRange(LogGroupOptions.Problems(Options.Logs, prefix + nameof(VllmServingOptions.Logs)));
        Source.CheckPinned(scope, Options.RequirePinnedRevision == true, prefix, problems);

        var rollbackAlarms = (Options.DefaultAlarms ?? true ? 2 : 0) + (Options.RollbackAlarms?.Length ?? 0);
        if (rollbackAlarms > Deployment.RollbackAlarms.Maximum)
        {
            Add(nameof(VllmServingOptions.RollbackAlarms), $"{P(nameof(VllmServingOptions.RollbackAlarms))}: {rollbackAlarms} rollback alarms (the default alarms and the ones given); SageMaker watches at most {Deployment.RollbackAlarms.Maximum}");
        }

        return problems.ToList();
    }

    /// <summary>The container environment: where the model is and every vLLM setting, ordered by name.</summary>
    internal SortedDictionary<string, string> Environment()
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Source.AddEnvironment(environment);
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

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string JoinOr(IReadOnlyList<string> items)
        => items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";

    private string GpuDescription()
        => Gpus == InstanceType.GpuCount
            ? $"{Plural(Gpus, "GPU")} of {InstanceType.Name}"
            : $"{Plural(Gpus, "GPU")} allotted on {InstanceType.Name}";

    private IEnumerable<(string Property, string Message)> EnvironmentProblems(Func<string, string> p)
    {
        var typed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Source.AddEnvironment(typed);
        var reserved = new HashSet<string>(typed.Keys, StringComparer.Ordinal)
        {
            "SM_VLLM_SERVED_MODEL_NAME", "SM_VLLM_TENSOR_PARALLEL_SIZE", "SM_VLLM_GPU_MEMORY_UTILIZATION",
            "SM_VLLM_MAX_MODEL_LEN", "SM_VLLM_MAX_NUM_SEQS", "SM_VLLM_ENABLE_AUTO_TOOL_CHOICE",
            "SM_VLLM_TOOL_CALL_PARSER", "SM_VLLM_REASONING_PARSER", "SM_VLLM_MODEL", "HF_MODEL_ID", "HF_TOKEN",
            WeightsGate.FingerprintVariable,
        };

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (flag, _) in Settings.ExtraFlags ?? new Dictionary<string, string?>())
        {
            if (!FlagName.IsMatch(flag))
            {
                yield return ("Vllm.ExtraFlags", $"{p("Vllm.ExtraFlags")} '{flag}' is not a vLLM flag name (lower-case words joined by '-', without leading dashes, for example enable-prefix-caching)");
                continue;
            }

            var variable = FlagVariable(flag);
            if (reserved.Contains(variable))
            {
                yield return ("Vllm.ExtraFlags", $"{p("Vllm.ExtraFlags")} '{flag}' is set by a typed setting or the model source; use that instead");
            }

            seen.Add(variable);
        }

        foreach (var name in (Settings.Environment ?? new Dictionary<string, string>()).Keys)
        {
            if (!VariableName.IsMatch(name))
            {
                yield return ("Vllm.Environment", $"{p("Vllm.Environment")} '{name}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            }
            else if (reserved.Contains(name) || seen.Contains(name))
            {
                yield return ("Vllm.Environment", $"{p("Vllm.Environment")} '{name}' is set by a typed setting, an extra flag or the model source; use that instead");
            }
        }

        var environment = Environment();
        // A bucket source adds the weights fingerprint when the model is created.
        var count = environment.Count + (Source.NeedsInternet ? 0 : 1);
        if (count > MaxEnvironmentEntries)
        {
            yield return ("Vllm.ExtraFlags", $"{p("Vllm.ExtraFlags")} and {p("Vllm.Environment")} make {count} environment variables; SageMaker accepts at most {MaxEnvironmentEntries}");
        }

        foreach (var (name, value) in environment)
        {
            if (!Token.IsUnresolved(value) && value.Length > MaxEnvironmentValueLength)
            {
                yield return ("Vllm.Environment", $"environment variable {name} is {value.Length} characters long; SageMaker accepts at most {MaxEnvironmentValueLength}");
            }
        }
    }
}
