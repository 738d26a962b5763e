using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Configuration;

public sealed class EndpointConfigTests
{
    private const string Base = """
        {
          "account": "123456789012",
          "region": "eu-west-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "endpoints": [ ENDPOINT ]
        }
        """;

    private const string Valid = """
        { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "instanceType": "ml.g6e.xlarge",
          "minInstances": 1, "maxInstances": 2, "vllm": { "maxModelLength": 32768, "extraFlags": { "enable-prefix-caching": null } } }
        """;

    private static EnvironmentConfig Parse(string endpoint, string extra = "")
        => EnvironmentCatalog.Parse("test", Base.Replace("ENDPOINT", endpoint).Replace("\"tags\"", extra + "\"tags\""), "test.json");

    private static IReadOnlyList<string> Errors(string endpoint, string extra = "")
        => ConfigErrors.OfParse(Base.Replace("ENDPOINT", endpoint).Replace("\"tags\"", extra + "\"tags\""));

    private static string Error(string endpoint, string extra = "") => Assert.Single(Errors(endpoint, extra))[(ConfigErrors.Source.Length + 2)..];

    [Fact]
    public void Parse_ValidEndpoint_ReadsEverySetting()
    {
        var endpoint = Assert.Single(Parse(Valid).Endpoints);
        Assert.Equal("gpt-oss-20b", endpoint.Name);
        Assert.Equal("models/gpt-oss-20b/", endpoint.BucketPrefix);
        Assert.Equal("ml.g6e.xlarge", endpoint.InstanceType);
        Assert.Equal(2, endpoint.MaxInstances);
        Assert.Equal(32768, endpoint.Vllm.MaxModelLength);
        Assert.True(endpoint.Vllm.ExtraFlags!.ContainsKey("enable-prefix-caching"));
        Assert.Null(endpoint.Vllm.ExtraFlags["enable-prefix-caching"]);
    }

    [Fact]
    public void Parse_UnknownInstanceType_SuggestsCatalogNames()
        => Assert.StartsWith(
            "endpoints[0].instanceType 'ml.g6e.xlarg' is not a GPU instance type of the catalog; did you mean ml.g6e.xlarge",
            Error(Valid.Replace("ml.g6e.xlarge", "ml.g6e.xlarg")));

    [Fact]
    public void Parse_InstanceTypeWithASpace_IsRefusedNotTrimmed()
        => Assert.StartsWith(
            "endpoints[0].instanceType 'ml.g6e.xlarge ' is not a GPU instance type of the catalog; did you mean ml.g6e.xlarge",
            Error(Valid.Replace("\"ml.g6e.xlarge\"", "\"ml.g6e.xlarge \"")));

    [Fact]
    public void Parse_UnknownModelWithoutMemory_AsksForIt()
        => Assert.Equal(
            "endpoints[0].model 'llama-9' is not in the catalog (gpt-oss-20b, gpt-oss-120b, Qwen3-4B); set endpoints[0].weightMemoryGiB for other models",
            Error(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"llama-9\"")));

    [Fact]
    public void Parse_CatalogModelInAnotherLetterCase_IsRefusedNotReinterpreted()
        => Assert.Equal(
            "endpoints[0].model 'GPT-OSS-20B' is spelt gpt-oss-20b in the catalog",
            Error(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"GPT-OSS-20B\"")));

    [Fact]
    public void Parse_OtherModelWithMemory_IsAccepted()
    {
        var endpoint = Assert.Single(Parse(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"my-model\", \"weightMemoryGiB\": 12")).Endpoints);
        Assert.Equal(12, endpoint.WeightMemoryGiB);
        Assert.Equal("my-model", endpoint.KnownModel.Name);
    }

    [Fact]
    public void Parse_OtherModelWithBadNameAndMemory_NamesTheKeysWithTheLibraryRule()
    {
        var lines = Errors(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"my model\", \"weightMemoryGiB\": -1"));
        ConfigErrors.Line(lines, "endpoints[0].model 'my model' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        ConfigErrors.Line(lines, "endpoints[0].weightMemoryGiB -1 must be above 0");
    }

    [Fact]
    public void Parse_BothOrNoSource_NamesIt()
    {
        Assert.Equal("endpoints[0]: set exactly one of bucketPrefix and huggingFaceId", Error(Valid.Replace("\"bucketPrefix\"", "\"huggingFaceId\": \"openai/gpt-oss-20b\", \"bucketPrefix\"")));
        Assert.Equal("endpoints[0]: set exactly one of bucketPrefix and huggingFaceId", Error(Valid.Replace("\"bucketPrefix\": \"models/gpt-oss-20b/\",", "")));
    }

    [Fact]
    public void Parse_BadHuggingFaceIdAndImageTag_AreCheckedWithTheLibraryRules()
    {
        var lines = Errors(Valid
            .Replace("\"bucketPrefix\": \"models/gpt-oss-20b/\"", "\"huggingFaceId\": \"openai gpt\"")
            .Replace("\"maxModelLength\": 32768", "\"imageTag\": \"-latest\""));
        ConfigErrors.Line(lines, "endpoints[0].huggingFaceId: Invalid Hugging Face model id 'openai gpt': use <organisation>/<model>, for example openai/gpt-oss-20b");
        ConfigErrors.Line(lines, "endpoints[0].vllm.imageTag: Invalid image tag '-latest': use 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEachOnItsOwnLine()
    {
        var lines = Errors(
            Valid.Replace("\"name\": \"gpt-oss-20b\"", "\"name\": \"GPT_oss\"").Replace("models/gpt-oss-20b/", "/models/*"));
        ConfigErrors.Line(lines, "endpoints[0].name 'GPT_oss' must be lower-case letters and digits");
        ConfigErrors.Line(lines, "endpoints[0].bucketPrefix: Invalid model prefix '/models/*'");
        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public void Parse_DuplicateNamesAndTooLongEndpointName_NameThem()
    {
        Assert.Equal(
            "endpoints[1].name makes the SageMaker endpoint name 'llm-test-gpt-oss-20b', which endpoints[0].name makes too; choose another name",
            Error(Valid + ", " + Valid));
        var longName = new string('a', 60);
        Assert.Equal(
            $"endpoints[0].name '{longName}' makes the endpoint name 'llm-test-{longName}', which must be 1-63 letters, digits or hyphens, starting and ending with a letter or digit",
            Error(Valid.Replace("\"name\": \"gpt-oss-20b\"", $"\"name\": \"{longName}\"")));
    }

    [Fact]
    public void Parse_UnknownInferenceAmiVersion_ListsTheKnownOnes()
        => Assert.StartsWith(
            "endpoints[0].inferenceAmiVersion 'al2-gpu' is not a SageMaker inference AMI version (al2-ami-sagemaker-inference-gpu-2, ",
            Error(Valid.Replace("\"minInstances\"", "\"inferenceAmiVersion\": \"al2-gpu\", \"minInstances\"")));
}

[Collection(SynthesizedApp.Collection)]
public sealed class EndpointOutputsTests(SynthesizedApp app)
{
    [Fact]
    public void Synth_DevEnvironment_HasNoAlwaysOnEndpoint()
    {
        // dev serves its models from the component endpoint, which scales to zero: an idle dev costs no GPU time.
        var template = app.Template("dev");
        var configs = template["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::SageMaker::EndpointConfig").ToList();
        var variant = Assert.Single(configs).Value!["Properties"]!["ProductionVariants"]![0]!;
        Assert.Null(variant["ModelName"]);
        Assert.Equal(0, (double)variant["ManagedInstanceScaling"]!["MinInstanceCount"]!);
    }

    [Theory]
    [MemberData(nameof(SnapshotTests.EnvironmentNames), MemberType = typeof(SnapshotTests))]
    public void Synth_Environment_EveryProductionVariantHasTheHostAmiOfItsCuda13Image(string environment)
    {
        var variants = app.Template(environment)["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == "AWS::SageMaker::EndpointConfig")
            .SelectMany(r => r.Value!["Properties"]!["ProductionVariants"]!.AsArray())
            .ToList();
        Assert.NotEmpty(variants);
        Assert.All(variants, v => Assert.Equal("al2023-ami-sagemaker-inference-gpu-4-1", (string?)v!["InferenceAmiVersion"]));
    }

    [Theory]
    [InlineData("staging", "GptOss20b", "llm-staging-gpt-oss-20b", "ml.g6e.xlarge", "gpt-oss-20b")]
    [InlineData("prod", "GptOss120b", "llm-prod-gpt-oss-120b", "ml.p5.48xlarge", "gpt-oss-120b")]
    public void Synth_Environment_OutputsEndpointNameBaseUrlAndInvokerRole(string environment, string id, string endpointName, string instanceType, string servedModel)
    {
        var template = app.Template(environment);
        var outputs = template["Outputs"]!.AsObject();
        Assert.Equal(endpointName, (string)outputs[id + "EndpointName"]!["Value"]!);
        Assert.Equal($"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/{endpointName}/openai/v1", (string)outputs[id + "OpenAiBaseUrl"]!["Value"]!);
        Assert.Single(outputs, o => o.Key.EndsWith("OpenAiBaseUrl", StringComparison.Ordinal) && !o.Key.StartsWith("ComponentEndpoint", StringComparison.Ordinal));
        Assert.Equal(servedModel, (string)outputs[id + "ServedModelName"]!["Value"]!);
        Assert.Contains("InvokerRole", outputs["InvokerRoleArn"]!["Value"]!["Fn::GetAtt"]![0]!.ToString());

        var variant = template["Resources"]!.AsObject()
            .Single(r => (string?)r.Value!["Type"] == "AWS::SageMaker::EndpointConfig" && r.Key.StartsWith(id, StringComparison.Ordinal))
            .Value!["Properties"]!["ProductionVariants"]![0]!;
        // A variant with fallback types has instance pools instead of an instance type: the primary type is priority 1.
        Assert.Equal(instanceType, (string?)variant["InstanceType"] ?? (string)variant["InstancePools"]![0]!["InstanceType"]!);
    }
}
