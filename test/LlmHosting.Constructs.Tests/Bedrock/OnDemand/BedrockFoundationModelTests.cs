using System.Diagnostics;
using LlmHosting.Constructs.Bedrock.OnDemand;

namespace LlmHosting.Constructs.Tests.Bedrock.OnDemand;

public sealed class BedrockFoundationModelTests
{
    [Theory]
    [InlineData("openai.gpt-oss-20b-1:0", "gpt-oss-20b", "openai.gpt-oss-20b")]
    [InlineData("openai.gpt-oss-120b-1:0", "gpt-oss-120b", "openai.gpt-oss-120b")]
    public void Of_KnownId_ReturnsTheCatalogModel(string modelId, string name, string mantleId)
    {
        var model = BedrockFoundationModel.Of(modelId);

        Assert.Equal(modelId, model.ModelId);
        Assert.Equal(name, model.Name);
        Assert.Equal(mantleId, model.ResponsesModelId);
        Assert.True(model.IsCataloged);
        Assert.True(model.IsOfferedIn("us-east-1"));
        Assert.True(model.IsOfferedIn("eu-west-1"));
        Assert.False(model.IsOfferedIn("ap-southeast-1"));
        Assert.True(model.IsOfferedOnMantleIn("us-west-2"));
    }

    [Fact]
    public void Of_UnknownId_ThrowsListingTheKnownIdsAndTheEscapeHatch()
    {
        var e = Assert.Throws<ArgumentException>(() => BedrockFoundationModel.Of("openai.gpt-oss-200b-1:0"));

        Assert.Contains("Unknown Bedrock foundation model 'openai.gpt-oss-200b-1:0'", e.Message);
        Assert.Contains("Known: openai.gpt-oss-20b-1:0, openai.gpt-oss-120b-1:0", e.Message);
        Assert.Contains("BedrockFoundationModel.Custom", e.Message);
    }

    [Fact]
    public void Custom_SkipsTheCatalog_AndLeavesRegionsUncheckedUnlessGiven()
    {
        var unchecked_ = BedrockFoundationModel.Custom("qwen.qwen3-32b-v1:0");
        var regional = BedrockFoundationModel.Custom("qwen.qwen3-32b-v1:0", ["us-west-2"], name: "qwen3-32b");

        Assert.False(unchecked_.IsCataloged);
        Assert.Null(unchecked_.Regions);
        Assert.True(unchecked_.IsOfferedIn("ap-southeast-1"));
        Assert.Null(unchecked_.ResponsesModelId);
        Assert.Equal("qwen.qwen3-32b-v1:0", unchecked_.Name);
        Assert.Equal("qwen3-32b", regional.Name);
        Assert.False(regional.IsOfferedIn("us-east-1"));
    }

    [Fact]
    public void Custom_MalformedIdOrRegion_ThrowsNamingEach()
    {
        var e = Assert.Throws<ArgumentException>(() => BedrockFoundationModel.Custom("gpt oss", ["us-east-1", "virginia"]));

        Assert.Contains("model id 'gpt oss' is not a Bedrock foundation-model id", e.Message);
        Assert.Contains("regions 'virginia' is not an AWS region name", e.Message);
    }

    [Fact]
    public void WithRegions_ReplacesTheRegions_AndKeepsTheRest()
    {
        var model = BedrockFoundationModel.GptOss120b.WithRegions(["us-east-1", "us-gov-west-1"]);

        Assert.True(model.IsOfferedIn("us-gov-west-1"));
        Assert.False(model.IsOfferedIn("eu-west-1"));
        Assert.True(model.IsCataloged);
        Assert.Equal(BedrockFoundationModel.GptOss120b.ResponsesModelId, model.ResponsesModelId);
        Assert.Throws<ArgumentException>(() => BedrockFoundationModel.GptOss120b.WithRegions([]));
    }

    // The independent reference: botocore's InvokeModelIdentifier pattern, applied by Python's re to the same samples.
    [Fact]
    public void IsModelId_AgreesWithBotocoresPattern()
    {
        string[] samples =
        [
            "openai.gpt-oss-120b-1:0", "openai.gpt-oss-20b", "qwen.qwen3-32b-v1:0", "amazon.nova-pro-v1:0",
            "gpt-oss-120b", "openai", "Openai.gpt", "openai.gpt oss", "openai..gpt", "openai.gpt-oss-120b-1:0:1", "",
        ];
        const string Script = """
            import botocore, gzip, json, os, re, sys
            d = os.path.join(os.path.dirname(botocore.__file__), 'data', 'bedrock-runtime')
            v = sorted(os.listdir(d))[-1]
            f = os.path.join(d, v, 'service-2.json.gz')
            shapes = json.load(gzip.open(f) if os.path.exists(f) else open(f[:-3]))['shapes']
            branch = re.search(r'\|\((\[a-z0-9-\]\{1,63\}\[\.\]\{1\}[^|]*\))\)\|', shapes['InvokeModelIdentifier']['pattern']).group(1)
            for s in sys.stdin.read().split('\n'):
                print('1' if re.fullmatch(branch, s) else '0')
            """;
        var start = new ProcessStartInfo("python3", ["-c", Script]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var python = Process.Start(start)!;
        python.StandardInput.Write(string.Join("\n", samples));
        python.StandardInput.Close();
        var verdicts = python.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(python.WaitForExit(10_000));

        Assert.Equal(samples.Length, verdicts.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.True(verdicts[i] == "1" == BedrockFoundationModel.IsModelId(samples[i]), $"'{samples[i]}': botocore {verdicts[i]}");
        }

        Assert.Contains("1", verdicts);
        Assert.Contains("0", verdicts);
    }
}
