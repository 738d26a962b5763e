using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Directories;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Tests.Sagemaker.Components;

/// <summary>A base component that scales to zero with LoRA on, and one adapter on it, synthesized once.</summary>
public sealed class AdapterFixture
{
    public AdapterFixture()
    {
        Stack = TestStacks.New();
        var bucket = ModelBucket.FromBucket(Stack, "Weights", Amazon.CDK.AWS.S3.Bucket.FromBucketName(Stack, "ByName", "llm-dev-models"));
        var endpoint = new InferenceComponentEndpoint(Stack, "Shared", new InferenceComponentEndpointProps
        {
            EndpointName = "llm-dev-shared",
            InstanceType = GpuInstanceType.G6E_12XLARGE,
        });
        Base = endpoint.AddComponent("Qwen3", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-qwen3-4b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            Vllm = new VllmSettings { Lora = new LoraSettings { MaxRank = 32, MaxAdapters = 2 } },
        });
        Adapter = Base.AddAdapter("Support", new AdapterComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-qwen3-4b-support",
            Bucket = bucket,
            Prefix = "models/qwen3-4b-support-lora/",
        });
        Template = TestStacks.Json(Stack);
    }

    public Stack Stack { get; }

    public InferenceComponent Base { get; }

    public AdapterComponent Adapter { get; }

    public JsonObject Template { get; }

    public (string Id, JsonObject Resource) Component(string name)
    {
        var found = Template["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == "AWS::SageMaker::InferenceComponent" && (string?)r.Value["Properties"]!["InferenceComponentName"] == name);
        return (found.Key, found.Value!.AsObject());
    }
}

public sealed class AdapterComponentTests(AdapterFixture fixture) : IClassFixture<AdapterFixture>
{
    [Fact]
    public void Resource_NamesItsBaseAndArchive_AndNothingAnAdapterDoesNotHave()
    {
        var (_, resource) = fixture.Component("llm-dev-shared-qwen3-4b-support");
        var properties = resource["Properties"]!.AsObject();

        Assert.Equal(["EndpointName", "InferenceComponentName", "Specification"], properties.Select(p => p.Key).Order());
        Assert.Equal(
            """{"Container":{"ArtifactUrl":"s3://llm-dev-models/models/qwen3-4b-support-lora/adapter.tar.gz"},"BaseInferenceComponentName":"llm-dev-shared-qwen3-4b"}""",
            properties["Specification"]!.ToJsonString());
        var (baseId, _) = fixture.Component("llm-dev-shared-qwen3-4b");
        var dependsOn = resource["DependsOn"]!.AsArray().Select(d => (string)d!).ToList();
        Assert.Contains(baseId, dependsOn);
        Assert.Contains(dependsOn, d => d.StartsWith("LlmHostingWeightsGatesWeightsModelsQwen34bSupportLora", StringComparison.Ordinal));
        Assert.Contains(dependsOn, d => d.StartsWith("SharedExecutionRoleDefaultPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public void Specification_HasOnlyKeysOfCfnLintsSchemaAndBotocores()
    {
        // The shape of the override: every key is a property of AWS::SageMaker::InferenceComponent's specification as
        // cfn-lint's schema has it, and of botocore's InferenceComponentSpecification (CDK 2.160's L1 lacks the base's name).
        const string script = """
            import importlib, json, os, cfnlint, botocore.session
            types = importlib.import_module("cfnlint.data.schemas.providers.us_east_1").types
            root = os.path.dirname(cfnlint.__file__)
            schema = json.load(open(os.path.join(root, "data", "schemas", "resources", types["AWS::SageMaker::InferenceComponent"] + ".json")))
            spec = botocore.session.get_session().get_service_model("sagemaker").shape_for("InferenceComponentSpecification")
            print(json.dumps({"cfn": sorted(schema["definitions"]["InferenceComponentSpecification"]["properties"]),
                              "container": sorted(schema["definitions"]["InferenceComponentContainerSpecification"]["properties"]),
                              "required": schema.get("required", []), "properties": sorted(schema["properties"]),
                              "botocore": sorted(spec.members)}))
            """;
        var start = new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var reference = JsonNode.Parse(process.StandardOutput.ReadToEnd())!;
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)) && process.ExitCode == 0, process.StandardError.ReadToEnd());
        var properties = fixture.Component("llm-dev-shared-qwen3-4b-support").Resource["Properties"]!.AsObject();
        var specification = properties["Specification"]!.AsObject();

        Assert.Subset(Set(reference["cfn"]!), specification.Select(p => p.Key).ToHashSet());
        Assert.Subset(Set(reference["botocore"]!), specification.Select(p => p.Key).ToHashSet());
        Assert.Subset(Set(reference["container"]!), specification["Container"]!.AsObject().Select(p => p.Key).ToHashSet());
        Assert.Subset(properties.Select(p => p.Key).ToHashSet(), Set(reference["required"]!));
        Assert.Subset(Set(reference["properties"]!), properties.Select(p => p.Key).ToHashSet());
    }

    [Fact]
    public void Role_ReadsTheAdapterPrefix_AndOnlyIt()
    {
        var statements = TestStacks.PolicyStatements(fixture.Template)
            .Where(s => s.ToJsonString().Contains("qwen3-4b-support-lora", StringComparison.Ordinal))
            .ToList();

        // The endpoint's execution role (SageMaker fetches the archive for the endpoint) and the gate's handler, no one else.
        var policies = TestStacks.Resources(fixture.Template, "AWS::IAM::Policy")
            .Where(p => p.Properties["PolicyDocument"]!.ToJsonString().Contains("qwen3-4b-support-lora", StringComparison.Ordinal))
            .Select(p => p.Id[..p.Id.IndexOf("DefaultPolicy", StringComparison.Ordinal)])
            .Order()
            .ToList();
        Assert.Equal(2, policies.Count);
        Assert.StartsWith("LlmHostingWeightsGatesProviderHandlerRole", policies[0], StringComparison.Ordinal);
        Assert.StartsWith("SharedExecutionRole", policies[1], StringComparison.Ordinal);
        var objectReads = statements.Where(s => TestStacks.Actions(s).SequenceEqual(["s3:GetObject"])).ToList();
        Assert.Equal(2, objectReads.Count);
        Assert.All(objectReads, s => Assert.EndsWith(":s3:::llm-dev-models/models/qwen3-4b-support-lora/*\"]]}", s["Resource"]!.ToJsonString(), StringComparison.Ordinal));
        var listings = statements.Where(s => TestStacks.Actions(s).SequenceEqual(["s3:ListBucket"])).ToList();
        Assert.Equal(2, listings.Count);
        Assert.All(listings, s => Assert.Equal("""{"StringLike":{"s3:prefix":["models/qwen3-4b-support-lora/*"]}}""", s["Condition"]!.ToJsonString()));
        Assert.DoesNotContain(statements, s => s["Resource"]!.ToJsonString().Contains("llm-dev-models/*", StringComparison.Ordinal));
    }

    [Fact]
    public void Gate_ChecksTheFolderAsAnAdapterOfTheBasesModelAndRank()
    {
        var gate = TestStacks.Resources(fixture.Template, WeightsGate.ResourceType).Single(g => ((string)g.Properties["S3Uri"]!).EndsWith("/models/qwen3-4b-support-lora/", StringComparison.Ordinal)).Properties;

        Assert.Equal("LoraAdapter", (string)gate["FolderKind"]!);
        Assert.Equal("""{"BaseModel":"Qwen/Qwen3-4B","MaxLoraRank":"32"}""", gate["Adapter"]!.ToJsonString());
    }

    [Fact]
    public void Base_ServesLora_WithTheDlcVariables()
    {
        var model = TestStacks.Resources(fixture.Template, "AWS::SageMaker::Model").Single(m => m.Properties.ToJsonString().Contains("Qwen/Qwen3-4B", StringComparison.Ordinal)).Properties;
        var environment = model["PrimaryContainer"]!["Environment"]!.AsObject();

        Assert.Equal("", (string)environment["SM_VLLM_ENABLE_LORA"]!);
        Assert.Equal("32", (string)environment["SM_VLLM_MAX_LORA_RANK"]!);
        Assert.Equal("2", (string)environment["SM_VLLM_MAX_LORAS"]!);
        Assert.Equal("true", (string)environment["VLLM_ALLOW_RUNTIME_LORA_UPDATING"]!);
        Assert.False(environment.ContainsKey("SM_VLLM_MAX_CPU_LORAS"));
    }

    [Fact]
    public void ScaleToZeroBase_StartsACopyOnTheAdaptersNoCapacityFailures_AndTheDirectorySaysItMayBeCold()
    {
        var alarm = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").Single(a => (string?)a.Properties["AlarmName"] == "llm-dev-shared-qwen3-4b-support-scale-out-from-zero").Properties;
        var action = Assert.Single(alarm["AlarmActions"]!.AsArray())!["Ref"]!.GetValue<string>();
        var entry = ModelDirectoryEntry.ForServedModel(fixture.Adapter, "qwen3-4b-support");

        Assert.StartsWith("SharedQwen3ScaleOutFromZero", action, StringComparison.Ordinal);
        Assert.Equal("""[{"Name":"InferenceComponentName","Value":"llm-dev-shared-qwen3-4b-support"}]""", alarm["Dimensions"]!.ToJsonString());
        Assert.True(entry.MayBeCold);
        Assert.Equal(ModelDirectoryKind.SageMakerInferenceComponent, entry.Kind);
        Assert.Equal("llm-dev-shared-qwen3-4b-support", entry.ModelId);
        Assert.Equal("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-shared/inference-components/llm-dev-shared-qwen3-4b-support/openai/v1", fixture.Adapter.OpenAiBaseUrl);
        Assert.Same(fixture.Adapter, Assert.Single(fixture.Base.Adapters));
    }

    [Fact]
    public void Adapter_OnABaseWithoutLora_OrWithABadPrefix_NamesEveryProblem()
    {
        var stack = TestStacks.New();
        var bucket = ModelBucket.FromBucket(stack, "Weights", Amazon.CDK.AWS.S3.Bucket.FromBucketName(stack, "ByName", "llm-dev-models"));
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { EndpointName = "e", InstanceType = GpuInstanceType.G6E_XLARGE });
        var plain = endpoint.AddComponent("Qwen3", new InferenceComponentOptions { InferenceComponentName = "e-qwen", Model = KnownModel.Qwen3_4B, Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B") });

        var error = Assert.Throws<PropsValidationException>(() => plain.AddAdapter("Support", new AdapterComponentOptions { InferenceComponentName = "e-support", Bucket = bucket, Prefix = "../adapters" }));

        Assert.Equal(
            "Invalid AdapterComponentProps for adapter 'e-support' on component e-qwen: Base e-qwen does not serve LoRA adapters: set Vllm.Lora on it (the adapter's rank must be at most its MaxRank); "
            + "Prefix '../adapters' is not a folder of the bucket: it has an empty, '.' or '..' segment.",
            error.Message);
    }

    private static HashSet<string> Set(JsonNode array) => array.AsArray().Select(n => (string)n!).ToHashSet();
}
