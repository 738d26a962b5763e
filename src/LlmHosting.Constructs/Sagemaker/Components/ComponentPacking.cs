using System.Globalization;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>What the copies of one component need: whole GPUs, CPU cores and host memory per copy.</summary>
/// <param name="Name">The component's name, for messages.</param>
/// <param name="Gpus">GPUs per copy.</param>
/// <param name="CpuCores">CPU cores per copy.</param>
/// <param name="MemoryInMb">Host memory per copy in MB.</param>
/// <param name="Copies">Copies that must be placed at once: the larger of the initial and the minimum copy count.</param>
internal sealed record ComponentDemand(string Name, int Gpus, double CpuCores, int MemoryInMb, int Copies);

/// <summary>
/// Whether the copies of a set of components fit the instances of an endpoint. SageMaker places each copy on one
/// instance (a copy cannot span instances), so the check is a small bin-packing problem: first the totals, which
/// give the clearest message, then an exact placement search over the copies.
/// </summary>
internal static class ComponentPacking
{
    /// <summary>Placement attempts after which the search gives up and reports nothing it cannot prove.</summary>
    internal const int SearchBudget = 200_000;

    /// <summary>Host memory of an instance in MB, as the packing check counts it.</summary>
    internal static int HostMemoryInMb(GpuInstanceType instance) => (int)Math.Floor(instance.MemoryGiB * 1024);

    /// <summary>Problems of one copy on one instance: more CPU cores or memory than the instance has, by property.</summary>
    internal static IEnumerable<(string Property, string Message)> SingleCopyProblems(ComponentDemand demand, GpuInstanceType instance)
    {
        if (demand.CpuCores > instance.VCpus)
        {
            yield return ("CpuCores", $"{Validation.Property.Ref("CpuCores")} {Number(demand.CpuCores)} exceeds the {instance.VCpus} vCPUs of one {instance.Name} (a copy cannot span instances)");
        }

        var memory = HostMemoryInMb(instance);
        if (demand.MemoryInMb > memory)
        {
            yield return ("MemoryInMb", $"{Validation.Property.Ref("MemoryInMb")} {demand.MemoryInMb} exceeds the {memory} MB of host memory of one {instance.Name} (a copy cannot span instances)");
        }
    }

    /// <summary>
    /// Problems of placing every demand's copies on at most <paramref name="maxInstances"/> instances, in one message
    /// that names the endpoint, the instance type, each component and the totals; empty when they fit.
    /// </summary>
    internal static IReadOnlyList<string> SetProblems(string endpointName, GpuInstanceType instance, int maxInstances, IReadOnlyList<ComponentDemand> demands)
    {
        var placed = demands.Where(d => d.Copies > 0).ToList();
        if (placed.Count == 0 || maxInstances < 1)
        {
            return [];
        }

        var problems = new List<string>();
        var gpus = placed.Sum(d => d.Gpus * d.Copies);
        var gpusAvailable = instance.GpuCount * maxInstances;
        if (gpus > gpusAvailable)
        {
            problems.Add($"minimum copies need {gpus} GPUs ({Breakdown(placed, d => Number(d.Gpus))}) but {gpusAvailable} are available");
        }

        var cores = placed.Sum(d => d.CpuCores * d.Copies);
        var coresAvailable = instance.VCpus * maxInstances;
        if (cores > coresAvailable + 1e-9)
        {
            problems.Add($"minimum copies need {Number(cores)} CPU cores ({Breakdown(placed, d => Number(d.CpuCores))}) but {coresAvailable} are available");
        }

        var memory = placed.Sum(d => (long)d.MemoryInMb * d.Copies);
        var memoryAvailable = (long)HostMemoryInMb(instance) * maxInstances;
        if (memory > memoryAvailable)
        {
            problems.Add($"minimum copies need {memory} MB of host memory ({Breakdown(placed, d => d.MemoryInMb.ToString(CultureInfo.InvariantCulture))}) but {memoryAvailable} MB are available");
        }

        var fitsOneInstance = placed.All(d => d.Gpus <= instance.GpuCount && d.CpuCores <= instance.VCpus && d.MemoryInMb <= HostMemoryInMb(instance));
        if (problems.Count == 0 && fitsOneInstance && Place(instance, maxInstances, placed) == false)
        {
            problems.Add($"the totals fit but the copies cannot be placed: a copy cannot span instances ({Breakdown(placed, d => $"{d.Gpus} GPU")})");
        }

        if (problems.Count == 0)
        {
            return [];
        }

        var header = $"Invalid inference components on {endpointName} ({instance.Name}, {Plural(instance.GpuCount, "GPU")} x max {Plural(maxInstances, "instance")})";
        return [$"{header}: {string.Join("; ", problems)}. Raise MaxInstanceCount, choose a larger instance type, or lower the components' minimum or initial copy counts."];
    }

    /// <summary>True when a placement exists, false when none does, null when the search ran out of budget.</summary>
    private static bool? Place(GpuInstanceType instance, int maxInstances, IReadOnlyList<ComponentDemand> demands)
    {
        var copies = demands
            .SelectMany(d => Enumerable.Repeat(d, d.Copies))
            .OrderByDescending(d => d.Gpus).ThenByDescending(d => d.MemoryInMb).ThenByDescending(d => d.CpuCores)
            .ToArray();
        var gpus = new List<int>();
        var cores = new List<double>();
        var memory = new List<long>();
        var budget = SearchBudget;
        var hostMemory = HostMemoryInMb(instance);

        bool? Search(int index)
        {
            if (index == copies.Length)
            {
                return true;
            }

            var copy = copies[index];
            // Trying the instances in use, then one new instance: empty instances are interchangeable.
            for (var bin = 0; bin <= gpus.Count && bin < maxInstances; bin++)
            {
                if (--budget < 0)
                {
                    return null;
                }

                var isNew = bin == gpus.Count;
                if (isNew)
                {
                    gpus.Add(0);
                    cores.Add(0);
                    memory.Add(0);
                }

                if (gpus[bin] + copy.Gpus <= instance.GpuCount && cores[bin] + copy.CpuCores <= instance.VCpus + 1e-9 && memory[bin] + copy.MemoryInMb <= hostMemory)
                {
                    gpus[bin] += copy.Gpus;
                    cores[bin] += copy.CpuCores;
                    memory[bin] += copy.MemoryInMb;
                    var result = Search(index + 1);
                    gpus[bin] -= copy.Gpus;
                    cores[bin] -= copy.CpuCores;
                    memory[bin] -= copy.MemoryInMb;
                    if (result != false)
                    {
                        if (isNew)
                        {
                            RemoveLast();
                        }

                        return result;
                    }
                }

                if (isNew)
                {
                    RemoveLast();
                }
            }

            return false;
        }

        void RemoveLast()
        {
            gpus.RemoveAt(gpus.Count - 1);
            cores.RemoveAt(cores.Count - 1);
            memory.RemoveAt(memory.Count - 1);
        }

        return Search(0);
    }

    private static string Breakdown(IEnumerable<ComponentDemand> demands, Func<ComponentDemand, string> perCopy)
        => string.Join(", ", demands.Select(d => $"{d.Name}: {perCopy(d)} x {d.Copies}"));

    private static string Number(double value) => VllmModelDefinition.Number(value);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
