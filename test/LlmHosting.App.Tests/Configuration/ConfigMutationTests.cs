using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;
using Xunit.Abstractions;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>
/// Every value of every checked-in environment file replaced, one at a time, by values of every JSON kind: loading ends in
/// the configuration or in user lines, never in another exception, and what loads also builds its constructs or fails
/// with user lines. System.Text.Json binds whatever the shape check lets through: it is the reference of the check.
/// </summary>
public sealed class ConfigMutationTests(ITestOutputHelper output)
{
    private const string Placeholder = "__mutation__";

    // The theory's cases run one after the other in one class.
    private static readonly HashSet<string> NullsBuilt = [];

    private static readonly string[] Replacements =
        ["null", "\"two\"", "\" gpt-oss-20b \"", "1.5", "-1", "0", "99999999999", "1e999", "true", "[]", "{}", "[null]", "{\"zz\": 1}"];

    public static TheoryData<string> EnvironmentFiles()
        => new(Directory.GetFiles(Repository.ConfigDirectory, "*.json").Select(Path.GetFileName)
            .Where(f => f != PipelineConfig.FileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(EnvironmentFiles))]
    public void Load_EveryValueReplacedByEveryKind_EndsInConfigurationOrUserLines(string file)
    {
        var text = File.ReadAllText(Repository.ConfigFile(file));
        var source = "cdk/config/" + file;
        var name = Path.GetFileNameWithoutExtension(file);
        var loaded = new List<(string Path, string Json)>();
        var mutations = 0;
        foreach (var path in Paths(JsonNode.Parse(text)!))
        {
            foreach (var replacement in Replacements)
            {
                var json = Mutate(text, path, replacement);
                mutations++;
                try
                {
                    EnvironmentCatalog.Parse(name, json, source);
                    // One null per key name (maxInstances, accessLogs...) across the files: a construct takes most of a second.
                    if (replacement == "null" && NullsBuilt.Add(path[^1].ToString()!))
                    {
                        loaded.Add(($"{string.Join(".", path)} = {replacement}", json));
                    }
                }
                catch (ConfigurationException e)
                {
                    Assert.All(e.Lines, line =>
                    {
                        Assert.StartsWith(source + ": ", line);
                        ConfigErrors.AssertUserWords(line);
                    });
                }
            }
        }

        // Values that load are equal-kind replacements and nulls of optional settings. The nulls (settings left to their
        // defaults) build their constructs or name their problem; wrong numbers are ConstructProblemsTests'.
        var watch = Stopwatch.StartNew();
        foreach (var (description, json) in loaded.DistinctBy(l => l.Json))
        {
            var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
            try
            {
                ModelHostingApp.AddEnvironments(app, [EnvironmentCatalog.Parse(name, json, source)]);
            }
            catch (ConfigurationException e)
            {
                Assert.All(e.Lines, line => ConfigErrors.AssertUserWords(line));
                output.WriteLine($"{description}: {string.Join(" | ", e.Lines)}");
            }
        }

        output.WriteLine($"{mutations} mutations, {loaded.Count} loaded, constructs built in {watch.ElapsedMilliseconds} ms");
        Assert.True(mutations > 200, $"only {mutations} mutations");
    }

    // JSON paths (as segments) of every value below the root.
    private static IEnumerable<object[]> Paths(JsonNode node, object[]? prefix = null)
    {
        prefix ??= [];
        var children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)),
            JsonArray a => a.Select((v, i) => ((object)i, v)),
            _ => [],
        };
        foreach (var (key, child) in children)
        {
            object[] path = [.. prefix, key];
            yield return path;
            if (child is not null)
            {
                foreach (var below in Paths(child, path))
                {
                    yield return below;
                }
            }
        }
    }

    private static string Mutate(string text, object[] path, string replacement)
    {
        var root = JsonNode.Parse(text)!;
        var parent = path[..^1].Aggregate(root, (node, key) => key is int i ? node[i]! : node[(string)key]!);
        if (path[^1] is int index)
        {
            parent[index] = Placeholder;
        }
        else
        {
            parent[(string)path[^1]] = Placeholder;
        }

        return root.ToJsonString().Replace($"\"{Placeholder}\"", replacement, StringComparison.Ordinal);
    }
}
