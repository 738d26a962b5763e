using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Configuration;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>
/// The check after a stage calls the models as the environment's invoker role, so that role must trust the check's
/// role: an environment that does not is named at synthesis, before anything is deployed. Two small environments
/// (one Bedrock model each: an invoker role, few constructs) keep this fast.
/// </summary>
public sealed class PipelineTrustTests
{
    [Fact]
    public void AddPipeline_InvokerNotTrustingTheCheckRole_NamesTheEnvironmentAndWhatToAdd()
    {
        // Trust by account and principal pattern is enough; dev is not reported.
        var trusting = Environment("dev", "111111111111", invoker =>
        {
            invoker["trustAccountRoots"] = true;
            invoker["trustedAccountIds"] = new JsonArray("555555555555");
            invoker["trustedPrincipalArnPatterns"] = new JsonArray("arn:aws:iam::555555555555:role/llm-hosting-check-*");
        });
        var other = Environment("staging", "222222222222", invoker => invoker["trustedRoleArns"] = new JsonArray("arn:aws:iam::222222222222:role/llm-client-staging"));

        var error = Assert.Throws<ConfigurationException>(() => AddPipeline(trusting, other));

        var line = Assert.Single(error.Lines);
        Assert.Equal(
            "cdk/config/pipeline.json: stages[1] 'staging': its invoker role does not trust the pipeline's check role arn:aws:iam::555555555555:role/llm-hosting-check-staging, "
            + "which calls each model after the deployment: add it to invoker.trustedRoleArns in cdk/config/staging.json",
            line);
        ConfigErrors.AssertUserWords(line);
        Assert.Contains("error: " + line, PipelineReadmeTests.Section());
    }

    private static LlmHosting.App.Stacks.Pipeline.DeliveryPipelineStack AddPipeline(params EnvironmentConfig[] environments)
    {
        var pipeline = PipelineConfig.Parse($$"""
            {
              "toolchain": { "account": "555555555555", "region": "us-east-1" },
              "source": { "connectionArn": "arn:aws:codeconnections:us-east-1:555555555555:connection/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", "repository": "org/repo" },
              "stages": [{{string.Join(", ", environments.Select(e => $"{{ \"environment\": \"{e.Name}\" }}"))}}]
            }
            """, environments, "cdk/config/pipeline.json");
        var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
        var stages = ModelHostingApp.AddEnvironments(app, environments);
        return ModelHostingApp.AddPipeline(app, pipeline, environments, stages);
    }

    private static EnvironmentConfig Environment(string name, string account, Action<JsonObject> invoker)
    {
        var json = new JsonObject
        {
            ["account"] = account,
            ["region"] = "us-east-1",
            ["namePrefix"] = $"llm-{name}",
            ["tags"] = new JsonObject { ["owner"] = "ml-platform", ["costCentre"] = "cc-0000" },
            ["invoker"] = new JsonObject(),
            ["bedrockModels"] = new JsonArray(new JsonObject { ["name"] = "gpt-oss-20b", ["modelId"] = "openai.gpt-oss-20b-1:0" }),
        };
        invoker(json["invoker"]!.AsObject());
        return EnvironmentCatalog.Parse(name, json.ToJsonString(), $"cdk/config/{name}.json");
    }
}
