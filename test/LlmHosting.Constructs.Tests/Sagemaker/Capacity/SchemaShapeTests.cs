using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

/// <summary>
/// The capacity properties CDK 2.160's L1s lack, as the constructs write them, checked by <c>check_shapes.py</c> against
/// botocore's SageMaker model and against cfn-lint given CloudFormation's newer schemas of the two resource types (the
/// installed cfn-lint's are older, so the constructs silence its E3002 on exactly these resources).
/// </summary>
public sealed class SchemaShapeTests
{
    private static readonly Lazy<JsonObject> Template = new(() =>
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        _ = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = "llm-prod-gpt-oss-120b",
            Model = KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-120b/"),
            InstanceType = GpuInstanceType.G6E_48XLARGE,
            FallbackInstanceTypes = [FallbackInstanceType.Of(GpuInstanceType.G6E_12XLARGE), FallbackInstanceType.Of(GpuInstanceType.P5_48XLARGE)],
            InstanceProvisionTimeout = Duration.Minutes(20),
            MaxInstanceCount = 2,
        });
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps
        {
            EndpointName = "llm-dev-shared",
            InstanceType = GpuInstanceType.P5_48XLARGE,
            CapacityReservation = new CapacityReservation { MlReservationArn = "arn:aws:sagemaker:us-east-1:123456789012:ml-reservation/r-1", InstanceCount = 2 },
        });
        shared.AddComponent("GptOss20b", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            CacheModelData = true,
            Placement = CopyPlacement.BinPack(maxAzImbalance: 1),
        });
        return TestStacks.Json(stack);
    });

    // The template with a misspelt pool member and a wrong type, which the oracle must reject.
    private static JsonObject Broken()
    {
        var template = Template.Value.DeepClone().AsObject();
        var config = template["Resources"]!.AsObject().First(r => (string)r.Value!["Type"]! == "AWS::SageMaker::EndpointConfig" && r.Value!["Properties"]!["ProductionVariants"]![0]!["InstancePools"] is not null).Value!;
        var pool = config["Properties"]!["ProductionVariants"]![0]!["InstancePools"]![0]!.AsObject();
        pool["Priorty"] = pool["Priority"]!.DeepClone();
        pool.Remove("Priority");
        config["Properties"]!["ProductionVariants"]![0]!["VariantInstanceProvisionTimeoutInSeconds"] = "1200";
        return template;
    }

    // The three checks in one run of check_shapes.py (each cfn-lint start costs seconds): the template and the broken
    // one against both references, the template against the installed cfn-lint alone. The problems of each, by name.
    private static readonly Lazy<IReadOnlyDictionary<string, List<string>>> Checks = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("capacity-shapes-").FullName;
        try
        {
            var files = new Dictionary<string, JsonObject> { ["checked"] = Template.Value, ["broken"] = Broken(), ["plain"] = Template.Value };
            foreach (var (name, template) in files)
            {
                File.WriteAllText(Path.Combine(folder, name + ".json"), template.ToJsonString());
            }

            var script = Path.Combine(AppContext.BaseDirectory, "Sagemaker", "Capacity", "check_shapes.py");
            var start = new ProcessStartInfo("python3", [script, Path.Combine(folder, "checked.json"), Path.Combine(folder, "broken.json"), "--without-additions", Path.Combine(folder, "plain.json")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "check_shapes.py did not finish within 3 minutes");
            // A crash (a traceback, exit code 2 or more) must not pass for "no problems".
            Assert.True(error.Result.Length == 0 && process.ExitCode <= 1, $"check_shapes.py exited with {process.ExitCode}: {error.Result}");
            var lines = files.Keys.ToDictionary(name => name, _ => new List<string>());
            foreach (var line in output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (path, problem) = (line[..line.IndexOf('\t', StringComparison.Ordinal)], line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..]);
                lines[Path.GetFileNameWithoutExtension(path)].Add(problem);
            }

            return lines;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    });

    [Fact]
    public void CapacityProperties_FitBotocoreAndCloudFormationsSchemas()
    {
        var lines = Checks.Value["checked"];
        Assert.True(lines.Count == 0, string.Join("\n", lines));
    }

    [Fact]
    public void InstalledCfnLint_RejectsExactlyTheNewProperties_WhichIsWhyTheyCarryTheException()
    {
        var lines = Checks.Value["plain"];
        var rejected = lines.Where(l => l.Contains("E3002", StringComparison.Ordinal)).ToList();
        Assert.All(lines, l => Assert.Contains("E3002", l));
        foreach (var property in new[] { "InstancePools", "VariantInstanceProvisionTimeoutInSeconds", "DataCacheConfig", "SchedulingConfig" })
        {
            Assert.Contains(rejected, l => l.Contains(property, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(rejected, l => l.Contains("CapacityReservationConfig", StringComparison.Ordinal));
    }

    [Fact]
    public void Oracle_RejectsAMisspeltPoolMemberAndAWrongType()
    {
        var lines = Checks.Value["broken"];
        Assert.Contains(lines, l => l.StartsWith("botocore CreateEndpointConfig", StringComparison.Ordinal) && l.Contains("Priorty", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cfn-lint", StringComparison.Ordinal) && l.Contains("Priorty", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("VariantInstanceProvisionTimeoutInSeconds", StringComparison.Ordinal));
    }
}
