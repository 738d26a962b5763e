using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Tests.Snapshots;
using LlmHosting.Tests.Shared;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Each environment is a Storage stack (the model bucket) and a Serving stack that is deployed after it, so that the
/// weights can be uploaded between the two deployments; or a Serving stack alone on an existing bucket.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class EnvironmentStacksTests(SynthesizedApp app)
{
    /// <summary>The bucket's logical id: changing it replaces the bucket (and, retained, orphans the old one with its weights).</summary>
    private const string ModelBucketLogicalId = "ModelBucketEBB1ADF4";

    public static TheoryData<string> EnvironmentNames() => SnapshotTests.EnvironmentNames();

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Synth_Environment_HasAStorageAndAServingStack_ServingDeployedAfterStorage(string environment)
    {
        Assert.Equal(
            [$"{environment}.Serving.template.json", $"{environment}.Storage.template.json"],
            app.Templates.Keys.Where(k => k.StartsWith(environment + ".", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal([$"{environment}/Storage"], app.StackDependencies[$"{environment}/Serving"]);
        Assert.Empty(app.StackDependencies[$"{environment}/Storage"]);
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Storage_ModelBucket_HasItsPinnedLogicalIdAndTheOnlyModelBucket(string environment)
    {
        var buckets = Resources(app.Template(environment, "Storage"), "AWS::S3::Bucket");
        Assert.Contains(ModelBucketLogicalId, buckets.Keys);
        Assert.Empty(Resources(app.Template(environment), "AWS::S3::Bucket"));
    }

    [Theory]
    [InlineData("dev", false)]
    [InlineData("staging", true)]
    [InlineData("prod", true)]
    public void Storage_RetainedBucket_TurnsOnTerminationProtection(string environment, bool retained)
    {
        // As the cloud assembly tells cdk deploy, from the one synthesis every test shares.
        Assert.Equal(retained, app.TerminationProtection[$"{environment}/Storage"]);
        var bucket = app.Template(environment, "Storage")["Resources"]![ModelBucketLogicalId]!;
        Assert.Equal(retained ? "Retain" : "Delete", (string?)bucket["DeletionPolicy"]);
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Serving_ReadsTheBucketByTheStorageStacksName_WithoutCrossStackExports(string environment)
    {
        var storage = app.Template(environment, "Storage");
        var serving = app.Template(environment);
        var name = (string)storage["Resources"]![ModelBucketLogicalId]!["Properties"]!["BucketName"]!;

        Assert.Matches("^llm-[a-z]+-models-\\d{12}-us-east-1$", name);
        Assert.Null(storage["Outputs"]!.AsObject().Select(o => o.Value!["Export"]).FirstOrDefault(e => e is not null));
        Assert.DoesNotContain("Fn::ImportValue", serving.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(name, serving.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Iam_EveryStatementOfEveryStack_FitsTheActionsResourceTypes(string environment)
    {
        foreach (var stack in new[] { "Storage", "Serving" })
        {
            var violations = IamResourceTypes.Violations(app.Template(environment, stack), $"{environment}.{stack}");
            Assert.True(violations.Count == 0, string.Join("\n", violations));
        }
    }

    [Fact]
    public void ExistingBucket_NoStorageStack_GrantsStayOnThePrefixesWithTheKey()
    {
        const string keyArn = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var json = File.ReadAllText(Repository.ConfigFile("dev.json"))
            .Replace("\"removalPolicy\": \"destroy\",", $"\"existingBucketName\": \"acme-shared-weights\", \"existingKmsKeyArn\": \"{keyArn}\",", StringComparison.Ordinal)
            .Replace("\"accessLogs\": true", "", StringComparison.Ordinal)
            .Replace("\"existingKmsKeyArn\": \"" + keyArn + "\",", "\"existingKmsKeyArn\": \"" + keyArn + "\"", StringComparison.Ordinal);
        var config = EnvironmentCatalog.Parse("dev", json, "dev.json");

        var stage = new ModelHostingStage(NewApp(), config);
        var template = TemplateOf(stage.Serving);

        Assert.Null(stage.Storage);
        Assert.Empty(stage.Serving.Dependencies);
        var statements = template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == "AWS::IAM::Policy")
            .SelectMany(r => r.Value!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => s!.ToJsonString())
            .ToList();
        var s3Reads = statements.Where(s => s.Contains("s3:GetObject", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(s3Reads);
        Assert.All(s3Reads, s => Assert.Contains("arn:aws:s3:::acme-shared-weights/models/", s, StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("kms:Decrypt", StringComparison.Ordinal) && s.Contains(keyArn, StringComparison.Ordinal));
        Assert.Empty(IamResourceTypes.Violations(template, "dev.Serving (existing bucket)"));
    }

    [Theory]
    [InlineData("\"existingBucketName\": \"Not_A_Bucket\"", "modelBucket.existingBucketName 'Not_A_Bucket' is not an S3 bucket name")]
    [InlineData("\"existingBucketName\": \"weights\", \"removalPolicy\": \"retain\"", "remove them when modelBucket.existingBucketName is set")]
    [InlineData("\"existingKmsKeyArn\": \"arn:aws:kms:us-east-1:111111111111:key/k\"", "modelBucket.existingKmsKeyArn is set without modelBucket.existingBucketName")]
    [InlineData("\"existingBucketName\": \"weights\", \"existingKmsKeyArn\": \"arn:aws:kms:eu-west-1:111111111111:key/k\"", "modelBucket.existingKmsKeyArn is in region eu-west-1, but S3 uses a key of the bucket's region us-east-1")]
    [InlineData("\"existingBucketName\": \"weights\", \"existingKmsKeyArn\": \"alias/weights\"", "modelBucket.existingKmsKeyArn 'alias/weights' is not a KMS key ARN")]
    public void ExistingBucket_BadSettings_AreNamed(string bucketSettings, string expected)
    {
        var json = $$"""
            { "account": "111111111111", "region": "us-east-1", "namePrefix": "llm-test",
              "tags": { "owner": "ml-platform", "costCentre": "cc-42" }, "modelBucket": { {{bucketSettings}} } }
            """;
        var error = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("test", json, "test.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static Amazon.CDK.App NewApp() => new(new AppProps { Context = SynthesizedApp.CdkJsonContext() });

    private static JsonObject TemplateOf(Stack stack)
        => JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stack).ToJSON()))!.AsObject();

    private static Dictionary<string, JsonNode> Resources(JsonObject template, string type)
        => template["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == type).ToDictionary(r => r.Key, r => r.Value!);
}
