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

/// <summary>The validation of a <see cref="VllmModelDefinition"/>: every problem of the model, its settings and its source.</summary>
internal sealed partial class VllmModelDefinition
{
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
        if (Options.ModelLatencyAlarmThreshold is { } latency && !Tokens.IsUnresolved(latency.ToString()) && latency.ToMilliseconds(new TimeConversionOptions { Integral = false }) <= 0)
        {
            Add(nameof(VllmServingOptions.ModelLatencyAlarmThreshold), $"{P(nameof(VllmServingOptions.ModelLatencyAlarmThreshold))} must be above 0");
        }

        problems.AddRange(LogGroupOptions.Problems(Options.Logs, prefix + nameof(VllmServingOptions.Logs)));
        Source.CheckPinned(scope, Options.RequirePinnedRevision == true, prefix, problems);
        if (EnableNetworkIsolation)
        {
            Source.CheckStartContract(Model, prefix, problems);
        }

        var rollbackAlarms = (Options.DefaultAlarms ?? true ? 2 : 0) + (Options.RollbackAlarms?.Length ?? 0);
        if (rollbackAlarms > Deployment.RollbackAlarms.Maximum)
        {
            Add(nameof(VllmServingOptions.RollbackAlarms), $"{P(nameof(VllmServingOptions.RollbackAlarms))}: {rollbackAlarms} rollback alarms (the default alarms and the ones given); SageMaker watches at most {Deployment.RollbackAlarms.Maximum}");
        }

        return problems.ToList();
    }

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
        reserved.UnionWith(StartEnvironment.Keys);

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
            else if (StartEnvironment.ContainsKey(name))
            {
                yield return ("Vllm.Environment", $"{p("Vllm.Environment")} '{name}' is set by the start contract of model {Model.Name} ({Model.StartContract.Name}): its container has no network access and reads {name}={StartEnvironment[name]}");
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
            if (!Tokens.IsUnresolved(value) && value.Length > MaxEnvironmentValueLength)
            {
                yield return ("Vllm.Environment", $"environment variable {name} is {value.Length} characters long; SageMaker accepts at most {MaxEnvironmentValueLength}");
            }
        }
    }
}
