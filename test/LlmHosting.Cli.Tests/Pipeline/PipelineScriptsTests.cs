using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using LlmHosting.Cli.Tests.Impact;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Pipeline;

/// <summary>
/// The delivery pipeline's scripts as its CodeBuild steps run them, against moto_server (STS, CloudFormation, SSM and
/// SageMaker's DescribeEndpoint, each account kept apart as AWS does) and the loopback model server: the credentials are
/// the step's own, and every read in an environment's account goes through a role assumed there.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class PipelineScriptsTests(MotoServer moto) : IDisposable
{
    private const string Account = "111111111111";
    private const string Region = "us-east-1";
    private const string LookupRole = $"arn:aws:iam::{Account}:role/cdk-hnb659fds-lookup-role-{Account}-{Region}";
    private const string InvokerRole = $"arn:aws:iam::{Account}:role/llm-dev-serving-InvokerRole-ABC";

    private static readonly string LlmhostDll = Path.GetFullPath(typeof(PipelineScriptsTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LlmhostDll").Value!);

    private readonly string _work = Directory.CreateTempSubdirectory("llmhost-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task PipelineImpact_DeployedAndMissingStacks_ComparesWithWhatTheEnvironmentsAccountHolds()
    {
        // Deployed in the environment's account: the bucket under an older name, and a topic the new template drops.
        var prefix = "llm-" + Guid.NewGuid().ToString("N")[..8];
        var deployed = new JsonObject
        {
            ["Resources"] = new JsonObject
            {
                ["ModelBucket"] = Resource("AWS::S3::Bucket", new JsonObject { ["BucketName"] = $"{prefix}-old-models" }),
                ["Old"] = Resource("AWS::SNS::Topic", new JsonObject()),
            },
        };
        await SetUpAsync($"cloudformation.create_stack(StackName=\"{prefix}-storage\", TemplateBody={Quote(deployed.ToJsonString())})");
        var assembly = CloudAssembly(prefix,
            storage: new JsonObject { ["ModelBucket"] = Resource("AWS::S3::Bucket", new JsonObject { ["BucketName"] = $"{prefix}-models" }) },
            serving: new JsonObject { ["Topic"] = Resource("AWS::SNS::Topic", new JsonObject()) });

        var (code, output) = await RunAsync("pipeline-impact", [Path.Combine(_work, "impact"), assembly], []);

        Assert.True(code == 0, output);
        var report = File.ReadAllText(Path.Combine(_work, "impact", "dev.md"));
        Assert.Contains($"{prefix}-serving is not deployed in {Account}/{Region} yet: every resource is added.", report);
        Assert.DoesNotContain($"{prefix}-storage is not deployed", report);
        // Read from the environment's account (moto keeps accounts apart), so the bucket's new name is a replacement.
        Assert.Matches(@"\| `ModelBucket` \| AWS::S3::Bucket \| \*\*REPLACE\*\*", report);
        Assert.Matches(@"\| `Old` \| AWS::SNS::Topic \| \*\*remove\*\*", report);
        Assert.Matches(@"\| `Topic` \| AWS::SNS::Topic \| add", report);
        Assert.Contains("DATA RISK", report);
    }

    [Fact]
    public async Task CheckEnvironment_EndpointsInServiceModelsAnswerAndOneNeverStarts_FailsWithinItsTimeout()
    {
        await using var server = await FakeOpenAiServer.StartAsync(Region);
        var prefix = "llm-" + Guid.NewGuid().ToString("N")[..8];
        string Directory(params (string Name, string Url)[] models) => new JsonObject
        {
            ["schemaVersion"] = 1,
            ["environment"] = "dev",
            ["models"] = new JsonArray([.. models.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name, ["kind"] = m.Url.Contains("inference-components", StringComparison.Ordinal) ? "sagemaker-inference-component" : "sagemaker-endpoint",
                ["region"] = Region, ["modelId"] = m.Name, ["chatCompletionsBaseUrl"] = m.Url, ["auth"] = "sagemaker-bearer-token", ["mayBeCold"] = true,
            })]),
        }.ToJsonString();
        // The models that answer first, then one whose copy never starts.
        var models = Directory(
            ("gpt-oss-20b", server.BaseUrl("ok").ToString()),
            ("qwen3-4b", server.BaseUrl("ok", $"{prefix}-shared-qwen3-4b").ToString()),
            ("gpt-oss-20b-cold", server.BaseUrl("starting", $"{prefix}-shared-gpt-oss-20b").ToString()));
        await SetUpAsync($$"""
            ssm.put_parameter(Name="/{{prefix}}/model-directory", Type="String", Value={{Quote(models)}})
            for name in ["ok", "starting"]:
                if name not in [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]]:
                    sagemaker.create_model(ModelName=name, ExecutionRoleArn="arn:aws:iam::{{Account}}:role/sagemaker", PrimaryContainer={"Image": "vllm"})
                    sagemaker.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{"VariantName": "v", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.g4dn.xlarge"}])
                    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
            """);
        var watch = Stopwatch.StartNew();

        var (code, output) = await RunAsync("check-environment", [],
        [
            ("ENVIRONMENT", "dev"), ("REGION", Region), ("DIRECTORY_PARAMETER", $"/{prefix}/model-directory"), ("LOOKUP_ROLE_ARN", LookupRole),
            ("INVOKER_ROLE_ARN", InvokerRole), ("CHECK_TIMEOUT_SECONDS", "300"), ("CHAT_TIMEOUT_SECONDS", "6"), ("CHECK_POLL_SECONDS", "1"),
        ]);

        Assert.Contains("endpoint ok: InService", output);
        Assert.Contains("endpoint starting: InService", output);
        // The two that answer, each signed with the invoker role's session (moto's assumed-role keys start with ASIA).
        Assert.Empty(server.Rejections);
        Assert.Equal(2, server.Requests.Count(r => r.Path.Contains("/endpoints/ok/", StringComparison.Ordinal)));
        Assert.All(server.Requests, r => Assert.StartsWith("ASIA", r.AccessKey, StringComparison.Ordinal));
        // llmhost retries the cold one until its time is up, then the step fails.
        Assert.Equal(1, code);
        Assert.Contains("chat with gpt-oss-20b-cold (at most 6 s):", output);
        Assert.Contains("error: gpt-oss-20b-cold of dev did not answer (llmhost chat, above)", output);
        Assert.DoesNotContain("every model answered", output);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"the check took {watch.Elapsed}");
    }

    [Fact]
    public async Task CheckEnvironment_NoInvokerRole_NothingToCheck()
    {
        var (code, output) = await RunAsync("check-environment", [],
            [("ENVIRONMENT", "dev"), ("REGION", Region), ("DIRECTORY_PARAMETER", "/x/model-directory"), ("LOOKUP_ROLE_ARN", LookupRole), ("CHECK_TIMEOUT_SECONDS", "60")]);

        Assert.Equal(0, code);
        Assert.Equal("dev serves no model: nothing to check.", output.Trim());
    }

    private static string Quote(string text) => JsonValue.Create(text).ToJsonString();

    private static JsonObject Resource(string type, JsonObject properties) => new() { ["Type"] = type, ["Properties"] = properties };

    // A cloud assembly as scripts/synth writes it: one stage, dev, with a Storage and a Serving stack in the account.
    private string CloudAssembly(string prefix, JsonObject storage, JsonObject serving)
    {
        var root = Path.Combine(_work, "cdk.out");
        var stage = Path.Combine(root, "assembly-dev");
        System.IO.Directory.CreateDirectory(stage);
        File.WriteAllText(Path.Combine(root, "manifest.json"), new JsonObject
        {
            ["version"] = "36.0.0",
            ["artifacts"] = new JsonObject { ["assembly-dev"] = new JsonObject { ["type"] = "cdk:cloud-assembly", ["properties"] = new JsonObject { ["directoryName"] = "assembly-dev", ["displayName"] = "dev" } } },
        }.ToJsonString());
        var artifacts = new JsonObject();
        foreach (var (id, resources) in new[] { ("Storage", storage), ("Serving", serving) })
        {
            File.WriteAllText(Path.Combine(stage, $"dev{id}.template.json"), new JsonObject { ["Resources"] = resources }.ToJsonString());
            artifacts[$"dev{id}"] = new JsonObject
            {
                ["type"] = "aws:cloudformation:stack",
                ["environment"] = $"aws://{Account}/{Region}",
                ["displayName"] = $"dev/{id}",
                ["properties"] = new JsonObject
                {
                    ["templateFile"] = $"dev{id}.template.json",
                    ["stackName"] = $"{prefix}-{id.ToLowerInvariant()}",
                    ["lookupRole"] = new JsonObject { ["arn"] = $"arn:${{AWS::Partition}}:iam::{Account}:role/cdk-hnb659fds-lookup-role-{Account}-{Region}" },
                },
            };
        }

        File.WriteAllText(Path.Combine(stage, "manifest.json"), new JsonObject { ["version"] = "36.0.0", ["artifacts"] = artifacts }.ToJsonString());
        return root;
    }

    // Creates resources in the environment's account, with a session of a role there (moto scopes by the caller's account).
    private async Task SetUpAsync(string statements)
    {
        var script = $$"""
            import boto3, json
            endpoint = "{{moto.Endpoint}}"
            sts = boto3.client("sts", endpoint_url=endpoint, region_name="{{Region}}", aws_access_key_id="testing", aws_secret_access_key="testing")
            c = sts.assume_role(RoleArn="arn:aws:iam::{{Account}}:role/setup", RoleSessionName="setup")["Credentials"]
            def client(name):
                return boto3.client(name, endpoint_url=endpoint, region_name="{{Region}}", aws_access_key_id=c["AccessKeyId"],
                                    aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
            cloudformation, ssm, sagemaker = client("cloudformation"), client("ssm"), client("sagemaker")
            {{statements}}
            """;
        var (code, output) = await ProcessAsync("python3", ["-c", script], []);
        Assert.True(code == 0, output);
    }

    private Task<(int Code, string Output)> RunAsync(string script, string[] arguments, (string Name, string Value)[] environment)
        => ProcessAsync(Path.Combine(AssemblyLayouts.RepositoryRoot(), "scripts", script), arguments,
        [
            ("AWS_ENDPOINT_URL", moto.Endpoint), ("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_DEFAULT_REGION", Region), ("LLMHOST", $"dotnet {LlmhostDll}"), .. environment,
        ]);

    private async Task<(int Code, string Output)> ProcessAsync(string program, string[] arguments, (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _work,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k is "LLMHOST" or "INVOKER_ROLE_ARN").ToList())
        {
            start.Environment.Remove(name);
        }

        var none = Path.Combine(_work, "no-such-aws-file");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = none;
        start.Environment["AWS_CONFIG_FILE"] = none;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
