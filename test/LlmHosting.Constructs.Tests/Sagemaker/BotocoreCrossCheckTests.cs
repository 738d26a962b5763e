using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>
/// Checks the catalogs and URLs against botocore (installed with the machine image), an independent
/// source: its SageMaker service model and its endpoint resolver. Runs one short Python process, offline.
/// </summary>
public sealed class BotocoreCrossCheckTests
{
    private static readonly string[] Regions = ["us-east-1", "af-south-1", "me-central-1", "cn-northwest-1"];

    private const string Script = """
        import json, sys, boto3, botocore.session
        model = botocore.session.get_session().get_service_model("sagemaker")
        urls = {r: boto3.client("sagemaker-runtime", region_name=r, aws_access_key_id="x", aws_secret_access_key="y").meta.endpoint_url
                for r in sys.argv[1:]}
        import re
        ami = model.shape_for("ProductionVariant").members["InferenceAmiVersion"]
        amis = {}
        for name, body in re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", ami.documentation, re.S):
            driver = re.search(r"NVIDIA driver version: (\d+)", body)
            cuda = re.search(r"CUDA version: ([\d.]+)", body)
            amis[name] = {"driver": int(driver.group(1)) if driver else None, "cuda": cuda.group(1) if cuda else None}
        print(json.dumps({"instanceTypes": model.shape_for("ProductionVariantInstanceType").enum, "runtimeUrls": urls,
                          "amiVersions": ami.enum, "amis": amis}))
        """;

    private static readonly Lazy<JsonNode> Botocore = new(() =>
    {
        var start = new ProcessStartInfo("python3", ["-c", Script, .. Regions]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "python3 did not finish within 30 s");
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return JsonNode.Parse(output)!;
    });

    [Fact]
    public void Catalog_EveryInstanceType_IsASageMakerProductionVariantType()
    {
        var known = Botocore.Value["instanceTypes"]!.AsArray().Select(t => (string)t!).ToHashSet();
        var unknown = GpuInstanceType.All.Select(t => t.Name).Where(n => !known.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, "not SageMaker instance types: " + string.Join(", ", unknown));
    }

    [Fact]
    public void InferenceAmiVersion_EveryValueWithItsDriverAndCuda_IsBotocores()
    {
        var botocore = Botocore.Value;
        Assert.Equal(
            botocore["amiVersions"]!.AsArray().Select(v => (string)v!).Order(StringComparer.Ordinal),
            InferenceAmiVersion.All.Select(v => v.Value).Order(StringComparer.Ordinal));
        foreach (var ami in InferenceAmiVersion.All)
        {
            var documented = botocore["amis"]![ami.Value]!;
            Assert.Equal((int?)documented["driver"], ami.NvidiaDriver);
            Assert.Equal((string?)documented["cuda"], ami.CudaVersion?.ToString(2));
        }
    }

    [Fact]
    public void OpenAiBaseUrl_Host_IsTheSageMakerRuntimeHostOfTheRegion()
    {
        foreach (var region in Regions)
        {
            var stack = TestStacks.New(region);
            var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
            {
                EndpointName = "ep",
                Model = KnownModel.Qwen3_4B,
                Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/qwen/"),
                InstanceType = GpuInstanceType.G6_XLARGE,
                DefaultAlarms = false,
            });
            var runtime = (string)Botocore.Value["runtimeUrls"]![region]!;
            Assert.Equal($"{runtime}/endpoints/ep/openai/v1", endpoint.OpenAiBaseUrl);
        }
    }
}
