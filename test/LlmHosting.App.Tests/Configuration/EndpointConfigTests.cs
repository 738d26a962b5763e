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

    private static string Error(string endpoint, string extra = "")
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse(endpoint, extra));
        Assert.StartsWith("Invalid configuration for environment 'test' (test.json): ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }

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
    }

    [Fact]
    public void Parse_UnknownInstanceType_SuggestsCatalogNames()
        => Assert.Contains(
            "endpoints[0].instanceType 'ml.g6e.xlarg' is not a GPU instance type of the catalog; did you mean ml.g6e.xlarge",
            Error(Valid.Replace("ml.g6e.xlarge", "ml.g6e.xlarg")));

    [Fact]
    public void Parse_UnknownModelWithoutMemory_AsksForIt()
        => Assert.Contains(
            "endpoints[0].model 'llama-9' is not in the catalog (gpt-oss-20b, gpt-oss-120b, Qwen3-4B); set endpoints[0].weightMemoryGiB for other models",
            Error(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"llama-9\"")));

    [Fact]
    public void Parse_OtherModelWithMemory_IsAccepted()
    {
        var endpoint = Assert.Single(Parse(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"my-model\", \"weightMemoryGiB\": 12")).Endpoints);
        Assert.Equal(12, endpoint.WeightMemoryGiB);
    }

    [Fact]
    public void Parse_BothOrNoSource_NamesIt()
    {
        Assert.Contains("endpoints[0]: set exactly one of bucketPrefix and huggingFaceId", Error(Valid.Replace("\"bucketPrefix\"", "\"huggingFaceId\": \"openai/gpt-oss-20b\", \"bucketPrefix\"")));
        Assert.Contains("endpoints[0]: set exactly one of bucketPrefix and huggingFaceId", Error(Valid.Replace("\"bucketPrefix\": \"models/gpt-oss-20b/\",", "")));
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsThemAllInOneLine()
    {
        var message = Error(
            Valid.Replace("\"name\": \"gpt-oss-20b\"", "\"name\": \"GPT_oss\"")
                .Replace("\"minInstances\": 1", "\"minInstances\": 0")
                .Replace("\"maxModelLength\": 32768", "\"maxModelLength\": 0, \"gpuMemoryUtilization\": 1.2")
                .Replace("models/gpt-oss-20b/", "/models/*"),
            "\"invoker\": { \"trustedAccountIds\": [\"12\"], \"trustedRoleArns\": [\"arn:aws:iam::123456789012:user/x\"] }, ");
        Assert.Contains("endpoints[0].name 'GPT_oss' must be lower-case letters and digits", message);
        Assert.Contains("endpoints[0].minInstances 0 must be at least 1", message);
        Assert.Contains("endpoints[0].vllm.maxModelLength 0 must be at least 1", message);
        Assert.Contains("endpoints[0].vllm.gpuMemoryUtilization 1.2 must be above 0 and at most 1", message);
        Assert.Contains("endpoints[0].bucketPrefix: Invalid model prefix '/models/*'", message);
        Assert.Contains("invoker.trustedAccountIds '12' is not a 12-digit AWS account id", message);
        Assert.Contains("invoker.trustedRoleArns 'arn:aws:iam::123456789012:user/x' is not an IAM role ARN", message);
    }

    [Fact]
    public void Parse_DuplicateNamesAndTooLongEndpointName_NameThem()
    {
        var message = Error(Valid + ", " + Valid.Replace("\"minInstances\": 1", "\"minInstances\": 3"));
        Assert.Contains("endpoints: the name 'gpt-oss-20b' is used 2 times", message);
        Assert.Contains("endpoints[1].maxInstances 2 is below minInstances 3", message);
        var longName = new string('a', 60);
        Assert.Contains($"makes the endpoint name 'llm-test-{longName}' longer than 63 characters", Error(Valid.Replace("\"name\": \"gpt-oss-20b\"", $"\"name\": \"{longName}\"")));
    }

    [Fact]
    public void Parse_UnknownInferenceAmiVersion_ListsTheKnownOnes()
        => Assert.Contains(
            "endpoints[0].inferenceAmiVersion 'al2-gpu' is not a SageMaker inference AMI version (al2-ami-sagemaker-inference-gpu-2, ",
            Error(Valid.Replace("\"minInstances\"", "\"inferenceAmiVersion\": \"al2-gpu\", \"minInstances\"")));

    [Fact]
    public void Stack_InferenceAmiVersionTooOldForTheImage_FailsWithOneLineNamingBoth()
    {
        var config = Parse(Valid.Replace("\"minInstances\"", "\"inferenceAmiVersion\": \"al2-ami-sagemaker-inference-gpu-3-1\", \"minInstances\""));
        var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
        var error = Assert.Throws<ConfigurationException>(() => ModelHostingApp.AddEnvironments(app, [config]));
        Assert.StartsWith("Invalid configuration for environment 'test': endpoints[0] (gpt-oss-20b): ", error.Message);
        Assert.Contains("al2-ami-sagemaker-inference-gpu-3-1 (NVIDIA driver 550, CUDA 12.4) cannot run image vllm:0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker", error.Message);
    }

    [Fact]
    public void Stack_ModelTooLargeForInstance_FailsWithOneLineNamingTheEndpoint()
    {
        var config = Parse(Valid.Replace("\"model\": \"gpt-oss-20b\"", "\"model\": \"gpt-oss-120b\"").Replace("ml.g6e.xlarge", "ml.g6.2xlarge"));
        var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
        var error = Assert.Throws<ConfigurationException>(() => ModelHostingApp.AddEnvironments(app, [config]));
        Assert.StartsWith("Invalid configuration for environment 'test': endpoints[0] (gpt-oss-20b): Invalid VllmEndpointProps: model gpt-oss-120b needs 65 GiB", error.Message);
        Assert.Contains("ml.g6.2xlarge offers 21.6 GiB", error.Message);
    }
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
        Assert.Equal(instanceType, (string)variant["InstanceType"]!);
    }
}
