namespace LlmHosting.App.Configuration;

/// <summary>
/// The names an environment gives to AWS resources and to the Serving stack's constructs, and the checks that no two
/// entries of one environment, and no two environments in one account, would make the same name: CloudFormation would
/// fail the second resource (or, for alarms and dashboards, overwrite the first) only at deployment.
/// </summary>
internal static class PhysicalNames
{
    /// <summary>A name the environment gives to an AWS resource.</summary>
    /// <param name="Kind">What is named, for messages: <c>SageMaker endpoint name</c>...</param>
    /// <param name="Name">The physical name.</param>
    /// <param name="Owner">The JSON path of the setting that makes it.</param>
    /// <param name="AccountWide">True when names of this kind are unique per account, not per account and region.</param>
    internal sealed record Entry(string Kind, string Name, string Owner, bool AccountWide = false);

    /// <summary>Every physical name <paramref name="environment"/> makes.</summary>
    /// <param name="environment">An environment whose settings are valid on their own.</param>
    internal static IEnumerable<Entry> Of(EnvironmentConfig environment)
    {
        var prefix = environment.NamePrefix;
        yield return new("CloudFormation stack name", environment.ServingStackName, "namePrefix");
        if (!environment.ModelBucket.UsesExistingBucket)
        {
            yield return new("CloudFormation stack name", environment.StorageStackName, "namePrefix");
            yield return new("S3 bucket name", ModelBucketConfig.OwnBucketName(environment), "namePrefix");
        }

        // Dashboard ARNs have no region (arn:aws:cloudwatch::<account>:dashboard/<name>): one name per account.
        yield return new("CloudWatch dashboard name", environment.DashboardName, "namePrefix", AccountWide: true);

        for (var i = 0; i < environment.Endpoints.Count; i++)
        {
            var name = environment.Endpoints[i].EndpointNameIn(prefix);
            yield return new("SageMaker endpoint name", name, $"endpoints[{i}].name");
            yield return new("CloudWatch alarm name prefix", name, $"endpoints[{i}].name");
        }

        if (environment.ComponentEndpoint is { } shared)
        {
            var endpointName = shared.EndpointNameIn(prefix);
            yield return new("SageMaker endpoint name", endpointName, $"{ComponentEndpointConfig.Path}.name");
            for (var i = 0; i < shared.Components.Count; i++)
            {
                var path = $"{ComponentEndpointConfig.Path}.components[{i}].name";
                var name = shared.Components[i].ComponentNameIn(endpointName);
                yield return new("SageMaker inference component name", name, path);
                // A component's alarms start with its name, as an endpoint's start with the endpoint's.
                yield return new("CloudWatch alarm name prefix", name, path);
            }

            for (var i = 0; i < shared.Adapters.Count; i++)
            {
                var path = $"{AdapterComponentConfig.Path}[{i}].name";
                var name = shared.Adapters[i].ComponentNameIn(endpointName);
                yield return new("SageMaker inference component name", name, path);
                yield return new("CloudWatch alarm name prefix", name, path);
            }
        }

        for (var i = 0; i < environment.ModelImports.Count; i++)
        {
            yield return new("Bedrock imported model name", environment.ModelImports[i].ModelNameIn(prefix), $"modelImports[{i}].name");
        }
    }

    /// <summary>Adds a problem for each physical name or construct id that two entries of <paramref name="environment"/> would make.</summary>
    internal static void CheckWithin(EnvironmentConfig environment, ICollection<string> problems)
    {
        var found = problems.Count;
        // Two entries of one name clash on several kinds of names (endpoint and alarms): one line per pair of entries.
        var clashes = Of(environment)
            .GroupBy(e => (e.Kind, e.Name))
            .SelectMany(g => g.Skip(1).Select(other => (First: g.First(), Other: other)))
            .Where(c => c.Other.Owner != c.First.Owner)
            .DistinctBy(c => (c.First.Owner, c.Other.Owner));
        foreach (var (first, other) in clashes)
        {
            problems.Add($"{other.Owner} makes the {other.Kind} '{other.Name}', which {first.Owner} makes too; choose another name");
        }

        // Equal physical names make equal construct ids too: one line per mistake.
        if (problems.Count > found)
        {
            return;
        }

        var idClashes = ServingIds.Of(environment)
            .GroupBy(e => e.Id, StringComparer.Ordinal)
            .SelectMany(g => g.Skip(1).Select(other => (Id: g.Key, First: g.First().Owner, Other: other.Owner)))
            .Where(c => c.Other != c.First)
            .DistinctBy(c => (c.First, c.Other));
        foreach (var (id, first, other) in idClashes)
        {
            problems.Add($"{other} makes the construct id {id}, which {first} makes too; choose another name");
        }
    }

    /// <summary>
    /// Adds a line for each pair of environments in one account whose names would collide, or whose name prefixes would
    /// let one environment's event rules (which match every name that starts with <c>&lt;namePrefix&gt;-</c>) report the
    /// other's resources. Each line names both files and is given to the later one.
    /// </summary>
    /// <param name="environments">Valid environments, in file order.</param>
    /// <param name="lines">Where each line (starting with the file it belongs to) is added.</param>
    internal static void CheckBetween(IReadOnlyList<EnvironmentConfig> environments, ICollection<string> lines)
    {
        for (var j = 1; j < environments.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                CheckPair(environments[i], environments[j], lines);
            }
        }
    }

    private static void CheckPair(EnvironmentConfig first, EnvironmentConfig second, ICollection<string> lines)
    {
        if (first.Account != second.Account)
        {
            return;
        }

        var sameRegion = first.Region == second.Region;
        var where = sameRegion ? $"account {second.Account} and region {second.Region}" : $"account {second.Account}";
        if (sameRegion && first.NamePrefix == second.NamePrefix)
        {
            lines.Add($"{second.Source}: namePrefix '{second.NamePrefix}' is also the namePrefix of {first.Source}, which deploys to the same {where}: "
                + "their stacks, model buckets, dashboards, endpoints and alarms would have the same names; give each environment its own namePrefix");
            return;
        }

        if (sameRegion && (Starts(first.NamePrefix, second.NamePrefix) || Starts(second.NamePrefix, first.NamePrefix)))
        {
            var (shorter, longer) = first.NamePrefix.Length < second.NamePrefix.Length ? (first, second) : (second, first);
            lines.Add($"{second.Source}: namePrefix '{second.NamePrefix}' and namePrefix '{first.NamePrefix}' of {first.Source} deploy to the same {where}, "
                + $"and '{longer.NamePrefix}-' starts with '{shorter.NamePrefix}-': the event rules of {shorter.Source} would also report the endpoints and imports of {longer.Source}; "
                + "choose prefixes of which neither starts the other");
        }

        var firstNames = Of(first).Where(e => sameRegion || e.AccountWide).ToLookup(e => (e.Kind, e.Name));
        foreach (var entry in Of(second).Where(e => sameRegion || e.AccountWide))
        {
            if (firstNames[(entry.Kind, entry.Name)].FirstOrDefault() is { } clash)
            {
                lines.Add($"{second.Source}: {entry.Owner} makes the {entry.Kind} '{entry.Name}', which {first.Source} ({clash.Owner}) makes too in the same {where}");
            }
        }
    }

    private static bool Starts(string prefix, string other) => other.StartsWith(prefix + "-", StringComparison.Ordinal);
}
