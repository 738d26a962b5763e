using System.Globalization;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A SageMaker GPU instance type with the figures that decide whether a model fits: GPU count, GPU model,
/// memory per GPU, vCPUs and host memory. The catalog covers ml.g5, ml.g6, ml.g6e, ml.p4d, ml.p4de, ml.p5,
/// ml.p5e and ml.p5en; <see cref="Of"/> describes any other type.
/// </summary>
public sealed class GpuInstanceType
{
    private GpuInstanceType(string name, int gpuCount, string gpuModel, double gpuMemoryGiB, int vCpus, double memoryGiB, bool hasLocalNvme)
    {
        Name = name;
        GpuCount = gpuCount;
        GpuModel = gpuModel;
        GpuMemoryGiB = gpuMemoryGiB;
        VCpus = vCpus;
        MemoryGiB = memoryGiB;
        HasLocalNvme = hasLocalNvme;
    }

    /// <summary>The SageMaker name, for example <c>ml.g6e.xlarge</c>.</summary>
    public string Name { get; }

    /// <summary>Number of GPUs.</summary>
    public int GpuCount { get; }

    /// <summary>GPU model, for example <c>L40S</c>.</summary>
    public string GpuModel { get; }

    /// <summary>Memory of one GPU in GiB, as AWS lists it.</summary>
    public double GpuMemoryGiB { get; }

    /// <summary>Memory of all GPUs together in GiB.</summary>
    public double TotalGpuMemoryGiB => GpuCount * GpuMemoryGiB;

    /// <summary>Number of vCPUs of the host.</summary>
    public int VCpus { get; }

    /// <summary>Host (CPU) memory in GiB.</summary>
    public double MemoryGiB { get; }

    /// <summary>
    /// True when the instance stores the model on local NVMe disks, on which SageMaker may reject an EBS
    /// volume size (<c>VolumeSizeInGB</c>). Whether it does is not confirmed for every family: change it with
    /// <see cref="WithLocalNvme"/> or <see cref="Of"/> when your experience differs.
    /// </summary>
    public bool HasLocalNvme { get; }

#pragma warning disable CS1591 // The names say it all: each member is the instance type of the same name.
    public static readonly GpuInstanceType G5_XLARGE = G5("xlarge", 1, 4, 16);
    public static readonly GpuInstanceType G5_2XLARGE = G5("2xlarge", 1, 8, 32);
    public static readonly GpuInstanceType G5_4XLARGE = G5("4xlarge", 1, 16, 64);
    public static readonly GpuInstanceType G5_8XLARGE = G5("8xlarge", 1, 32, 128);
    public static readonly GpuInstanceType G5_16XLARGE = G5("16xlarge", 1, 64, 256);
    public static readonly GpuInstanceType G5_12XLARGE = G5("12xlarge", 4, 48, 192);
    public static readonly GpuInstanceType G5_24XLARGE = G5("24xlarge", 4, 96, 384);
    public static readonly GpuInstanceType G5_48XLARGE = G5("48xlarge", 8, 192, 768);

    public static readonly GpuInstanceType G6_XLARGE = G6("xlarge", 1, 4, 16);
    public static readonly GpuInstanceType G6_2XLARGE = G6("2xlarge", 1, 8, 32);
    public static readonly GpuInstanceType G6_4XLARGE = G6("4xlarge", 1, 16, 64);
    public static readonly GpuInstanceType G6_8XLARGE = G6("8xlarge", 1, 32, 128);
    public static readonly GpuInstanceType G6_16XLARGE = G6("16xlarge", 1, 64, 256);
    public static readonly GpuInstanceType G6_12XLARGE = G6("12xlarge", 4, 48, 192);
    public static readonly GpuInstanceType G6_24XLARGE = G6("24xlarge", 4, 96, 384);
    public static readonly GpuInstanceType G6_48XLARGE = G6("48xlarge", 8, 192, 768);

    public static readonly GpuInstanceType G6E_XLARGE = G6e("xlarge", 1, 4, 32);
    public static readonly GpuInstanceType G6E_2XLARGE = G6e("2xlarge", 1, 8, 64);
    public static readonly GpuInstanceType G6E_4XLARGE = G6e("4xlarge", 1, 16, 128);
    public static readonly GpuInstanceType G6E_8XLARGE = G6e("8xlarge", 1, 32, 256);
    public static readonly GpuInstanceType G6E_16XLARGE = G6e("16xlarge", 1, 64, 512);
    public static readonly GpuInstanceType G6E_12XLARGE = G6e("12xlarge", 4, 48, 384);
    public static readonly GpuInstanceType G6E_24XLARGE = G6e("24xlarge", 4, 96, 768);
    public static readonly GpuInstanceType G6E_48XLARGE = G6e("48xlarge", 8, 192, 1536);

    public static readonly GpuInstanceType P4D_24XLARGE = new("ml.p4d.24xlarge", 8, "A100", 40, 96, 1152, hasLocalNvme: true);
    public static readonly GpuInstanceType P4DE_24XLARGE = new("ml.p4de.24xlarge", 8, "A100", 80, 96, 1152, hasLocalNvme: true);
    public static readonly GpuInstanceType P5_48XLARGE = new("ml.p5.48xlarge", 8, "H100", 80, 192, 2048, hasLocalNvme: true);
    public static readonly GpuInstanceType P5E_48XLARGE = new("ml.p5e.48xlarge", 8, "H200", 141, 192, 2048, hasLocalNvme: true);
    public static readonly GpuInstanceType P5EN_48XLARGE = new("ml.p5en.48xlarge", 8, "H200", 141, 192, 2048, hasLocalNvme: true);
#pragma warning restore CS1591

    /// <summary>Every instance type of the catalog, in declaration order.</summary>
    public static IReadOnlyList<GpuInstanceType> All { get; } =
    [
        G5_XLARGE, G5_2XLARGE, G5_4XLARGE, G5_8XLARGE, G5_16XLARGE, G5_12XLARGE, G5_24XLARGE, G5_48XLARGE,
        G6_XLARGE, G6_2XLARGE, G6_4XLARGE, G6_8XLARGE, G6_16XLARGE, G6_12XLARGE, G6_24XLARGE, G6_48XLARGE,
        G6E_XLARGE, G6E_2XLARGE, G6E_4XLARGE, G6E_8XLARGE, G6E_16XLARGE, G6E_12XLARGE, G6E_24XLARGE, G6E_48XLARGE,
        P4D_24XLARGE, P4DE_24XLARGE, P5_48XLARGE, P5E_48XLARGE, P5EN_48XLARGE,
    ];

    /// <summary>
    /// Describes an instance type that the catalog does not know (or overrides a catalog entry), with the
    /// figures stated by the caller. Throws <see cref="ArgumentException"/> naming every invalid figure.
    /// </summary>
    /// <param name="name">SageMaker name, <c>ml.&lt;family&gt;.&lt;size&gt;</c>.</param>
    /// <param name="gpuCount">Number of GPUs, at least 1.</param>
    /// <param name="gpuModel">GPU model, for messages.</param>
    /// <param name="gpuMemoryGiB">Memory of one GPU in GiB, above 0.</param>
    /// <param name="vCpus">Number of vCPUs, at least 1.</param>
    /// <param name="memoryGiB">Host memory in GiB, above 0.</param>
    /// <param name="hasLocalNvme">Whether the instance has local NVMe storage (see <see cref="HasLocalNvme"/>).</param>
    public static GpuInstanceType Of(string name, int gpuCount, string gpuModel, double gpuMemoryGiB, int vCpus, double memoryGiB, bool hasLocalNvme = false)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(name) || !System.Text.RegularExpressions.Regex.IsMatch(name, @"^ml\.[a-z0-9-]+\.[a-z0-9]+$"))
        {
            problems.Add($"name '{name}' is not a SageMaker instance type name (ml.<family>.<size>, for example ml.g6e.xlarge)");
        }

        if (gpuCount < 1)
        {
            problems.Add($"gpuCount {gpuCount} must be at least 1");
        }

        if (string.IsNullOrWhiteSpace(gpuModel))
        {
            problems.Add("gpuModel is empty");
        }

        if (!(gpuMemoryGiB > 0))
        {
            problems.Add($"gpuMemoryGiB {gpuMemoryGiB.ToString(CultureInfo.InvariantCulture)} must be above 0");
        }

        if (vCpus < 1)
        {
            problems.Add($"vCpus {vCpus} must be at least 1");
        }

        if (!(memoryGiB > 0))
        {
            problems.Add($"memoryGiB {memoryGiB.ToString(CultureInfo.InvariantCulture)} must be above 0");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid GpuInstanceType: {string.Join("; ", problems)}.");
        }

        return new GpuInstanceType(name, gpuCount, gpuModel, gpuMemoryGiB, vCpus, memoryGiB, hasLocalNvme);
    }

    /// <summary>The same instance type with <see cref="HasLocalNvme"/> set as given.</summary>
    /// <param name="hasLocalNvme">Whether SageMaker should be treated as rejecting a volume size on it.</param>
    public GpuInstanceType WithLocalNvme(bool hasLocalNvme)
        => new(Name, GpuCount, GpuModel, GpuMemoryGiB, VCpus, MemoryGiB, hasLocalNvme);

    /// <summary>The catalog entry of that name, or null.</summary>
    /// <param name="name">SageMaker name, for example <c>ml.g6e.xlarge</c>.</param>
    public static GpuInstanceType? TryFromName(string name)
        => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The catalog entry of that name. Throws <see cref="ArgumentException"/> naming the closest catalog
    /// names when there is none (use <see cref="Of"/> for types outside the catalog).
    /// </summary>
    /// <param name="name">SageMaker name, for example <c>ml.g6e.xlarge</c>.</param>
    public static GpuInstanceType FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryFromName(name) ?? throw new ArgumentException(UnknownNameMessage(name), nameof(name));
    }

    /// <summary>The message for a name outside the catalog, listing the closest names.</summary>
    internal static string UnknownNameMessage(string name)
    {
        var close = ClosestNames(name);
        return $"'{name}' is not a GPU instance type of the catalog"
            + (close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : $"; known types: {string.Join(", ", All.Select(t => t.Name))}")
            + " (GpuInstanceType.Of describes other types)";
    }

    /// <summary>Up to five catalog names within a small edit distance of <paramref name="name"/>, or of its family, closest first.</summary>
    /// <param name="name">A name that may be misspelt.</param>
    public static IReadOnlyList<string> ClosestNames(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant();
        var family = lower.Split('.') is { Length: >= 2 } parts ? $"{parts[0]}.{parts[1]}." : null;
        return All
            .Select(t => (t.Name, Distance: Levenshtein(lower, t.Name)))
            .Where(t => t.Distance <= 3 || (family is not null && t.Name.StartsWith(family, StringComparison.Ordinal)))
            .OrderBy(t => t.Distance)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .Take(5)
            .Select(t => t.Name)
            .ToList();
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static GpuInstanceType G5(string size, int gpus, int vCpus, double memory)
        => new($"ml.g5.{size}", gpus, "A10G", 24, vCpus, memory, hasLocalNvme: true);

    private static GpuInstanceType G6(string size, int gpus, int vCpus, double memory)
        => new($"ml.g6.{size}", gpus, "L4", 24, vCpus, memory, hasLocalNvme: false);

    private static GpuInstanceType G6e(string size, int gpus, int vCpus, double memory)
        => new($"ml.g6e.{size}", gpus, "L40S", 48, vCpus, memory, hasLocalNvme: false);

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
