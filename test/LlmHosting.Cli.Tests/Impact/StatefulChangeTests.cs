using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;
using static LlmHosting.Cli.Tests.Impact.ImpactTemplates;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>Buckets, imported models, exports and stacks: the changes that lose or orphan data, or fail a deploy.</summary>
public sealed class StatefulChangeTests
{
    [Fact]
    public void BucketNameChange_ReplacesBucket_FlagsDataRisk_AndReplacesWhatReadsIt()
    {
        var before = Serving();
        Properties(before, Bucket)["BucketName"] = "llm-staging-models";
        var after = before.DeepClone().AsObject();
        Properties(after, Bucket)["BucketName"] = "llm-staging-model-weights";

        var stack = CompareServing(before, after);

        var bucket = stack.Row(Bucket);
        Assert.Equal(ResourceAction.Replaced, bucket.Action);
        Assert.Equal([ImpactFlag.DataRisk], bucket.Flags);
        Assert.Contains("old resource: UpdateReplacePolicy Retain: kept, orphaned (no longer managed by the stack)", bucket.Reasons);
        // The model's S3Uri reads the bucket's name: create-only, so the model, its config and the endpoint follow.
        Assert.Contains($"PrimaryContainer.ModelDataSource.S3DataSource.S3Uri: new value ({Bucket} is replaced) (create-only)", stack.Row(Model).Reasons);
        Assert.Equal(ResourceAction.Replaced, stack.Row(Config).Action);
        Assert.Equal(ResourceAction.Updated, stack.Row(Endpoint).Action);
    }

    [Fact]
    public void BucketLogicalIdRenamed_RemovesTheRetainedBucket_FlagsDataRisk()
    {
        var after = Serving();
        Resources(after)["WeightsBucket"] = Resources(after)[Bucket]!.DeepClone();
        Resources(after).Remove(Bucket);
        var s3Uri = Properties(after, Model)["PrimaryContainer"]!["ModelDataSource"]!["S3DataSource"]!["S3Uri"]!;
        s3Uri["Fn::Join"]![1]![1] = JsonNode.Parse("""{ "Ref": "WeightsBucket" }""");

        var stack = CompareServing(Serving(), after);

        var removed = stack.Row(Bucket);
        Assert.Equal(ResourceAction.Removed, removed.Action);
        Assert.Equal([ImpactFlag.DataRisk], removed.Flags);
        Assert.Equal(["DeletionPolicy Retain: kept, orphaned (no longer managed by the stack)"], removed.Reasons);
        Assert.Equal(ResourceAction.Added, stack.Row("WeightsBucket").Action);
        Assert.Equal(ResourceAction.Replaced, stack.Row(Model).Action);
        Assert.Equal(stack.Row(Bucket), stack.Resources[0]);
    }

    [Fact]
    public void RemovedBucketWithDeletePolicy_IsDestroyed()
    {
        var before = Serving();
        Resources(before)[Bucket]!.AsObject().Remove("DeletionPolicy");
        var after = before.DeepClone().AsObject();
        Resources(after).Remove(Bucket);

        var removed = CompareServing(before, after).Row(Bucket);

        Assert.Equal(["DeletionPolicy Delete (default): destroyed"], removed.Reasons);
        Assert.Equal([ImpactFlag.DataRisk], removed.Flags);
    }

    [Fact]
    public void IdenticalInputs_NoChanges()
    {
        var report = Compare(Set("a", ("Serving", Serving()), ("Storage", Autoscaled())), Set("b", ("Serving", Serving()), ("Storage", Autoscaled())));

        Assert.All(report.Stacks, s => Assert.Equal(StackChange.Unchanged, s.Change));
        Assert.Empty(report.Resources);
        Assert.Equal("no changes in 2 stacks", ImpactReportWriter.Summary(report));
    }

    [Fact]
    public void MetadataAndDependsOn_AreNotChanges()
    {
        var after = Serving();
        Resources(after)[Model]!["Metadata"] = JsonNode.Parse("""{ "aws:cdk:path": "staging/Serving/Model/Resource" }""");
        Resources(after)[Config]!["DependsOn"] = new JsonArray("Something");

        Assert.Equal(StackChange.Unchanged, CompareServing(Serving(), after).Change);
    }

    [Theory]
    [InlineData("S3Uri", "s3://other-bucket/models/gpt-oss-20b/", true)]
    [InlineData("ModelName", "llm-dev-gpt-oss-20b-v2", true)]
    [InlineData("RetainOnDelete", "true", false)]
    public void BedrockImport_ReimportsOnModelNameOrS3Uri(string property, string value, bool reimports)
    {
        var expected = reimports ? ResourceAction.Replaced : ResourceAction.CustomUpdate;
        JsonObject Template() => Parse("""
            {
              "Resources": {
                "ModelImportGptOss20b08FBA191": {
                  "Type": "Custom::BedrockModelImport",
                  "Properties": { "ServiceToken": { "Fn::GetAtt": ["OnEvent", "Arn"] }, "ModelName": "llm-dev-gpt-oss-20b",
                    "S3Uri": "s3://models/models/gpt-oss-20b/", "RetainOnDelete": "false" },
                  "UpdateReplacePolicy": "Delete", "DeletionPolicy": "Delete"
                }
              }
            }
            """);
        var after = Template();
        Properties(after, "ModelImportGptOss20b08FBA191")[property] = value;

        var import = CompareServing(Template(), after).Row("ModelImportGptOss20b08FBA191");

        Assert.Equal(expected, import.Action);
        if (expected == ResourceAction.Replaced)
        {
            Assert.Equal([ImpactFlag.DataRisk], import.Flags);
            Assert.Contains("the handler imports a new model under a new name; old model: UpdateReplacePolicy Delete: the handler deletes the imported model", import.Reasons);
        }
        else
        {
            Assert.Empty(import.Flags);
            Assert.Contains("custom update: the handler decides what it means", import.Reasons);
        }
    }

    [Fact]
    public void CustomResource_ChangedServiceToken_FailsTheDeploy()
    {
        JsonObject Template(string function) => Parse($$"""
            { "Resources": { "AutoDelete": { "Type": "Custom::S3AutoDeleteObjects", "Properties": { "ServiceToken": { "Fn::GetAtt": ["{{function}}", "Arn"] }, "BucketName": "b" } } } }
            """);

        var row = CompareServing(Template("HandlerA"), Template("HandlerB")).Row("AutoDelete");

        Assert.Equal(ResourceAction.CustomUpdate, row.Action);
        Assert.Equal([ImpactFlag.DeployFails], row.Flags);
        Assert.Contains("CloudFormation does not allow changing a custom resource's ServiceToken", row.Reasons[0]);
    }

    [Fact]
    public void ReplacedBucketExportedToAnotherStack_PropagatesThroughImport_AndFailsOnTheExportInUse()
    {
        JsonObject Storage(string bucketName) => Parse($$"""
            {
              "Resources": { "{{Bucket}}": { "Type": "AWS::S3::Bucket", "Properties": { "BucketName": "{{bucketName}}" }, "UpdateReplacePolicy": "Retain", "DeletionPolicy": "Retain" } },
              "Outputs": { "ExportBucket": { "Value": { "Ref": "{{Bucket}}" }, "Export": { "Name": "staging-Storage:ExportsOutputRefModelBucket" } } }
            }
            """);
        var serving = Serving();
        Resources(serving).Remove(Bucket);
        Properties(serving, Model)["PrimaryContainer"]!["ModelDataSource"]!["S3DataSource"]!["S3Uri"] =
            JsonNode.Parse("""{ "Fn::Join": ["", ["s3://", { "Fn::ImportValue": "staging-Storage:ExportsOutputRefModelBucket" }, "/models/"]] }""");

        var report = Compare(
            Set("before", ("Storage", Storage("weights-a")), ("Serving", serving)),
            Set("after", ("Storage", Storage("weights-b")), ("Serving", serving.DeepClone().AsObject())));

        var storage = report.Stacks.Single(s => s.Stack == "Storage");
        Assert.Equal([ImpactFlag.DataRisk], storage.Row(Bucket).Flags);
        var export = storage.Row("ExportBucket");
        Assert.Equal([ImpactFlag.DeployFails], export.Flags);
        Assert.StartsWith($"export staging-Storage:ExportsOutputRefModelBucket changes ({Bucket} is replaced) while staging/Serving imports it", export.Reasons[0]);
        var servingImpact = report.Stacks.Single(s => s.Stack == "Serving");
        Assert.Equal(ResourceAction.Replaced, servingImpact.Row(Model).Action);
        Assert.Contains("export staging-Storage:ExportsOutputRefModelBucket of staging/Storage changes", servingImpact.Row(Model).Reasons[0]);
    }

    [Fact]
    public void StackSplit_NewStackReusingNamesOfTheRemovedStack_FailsAndFlagsTheOldData()
    {
        var report = Compare(Set("before", ("ModelHosting", Serving())), Set("after", ("Serving", Serving())));

        var removed = report.Stacks.Single(s => s.Stack == "ModelHosting");
        Assert.Equal(StackChange.Removed, removed.Change);
        Assert.Equal([ImpactFlag.DataRisk], removed.Row(Bucket).Flags);
        Assert.StartsWith("stack no longer in the app: cdk deploy leaves it deployed", removed.Row(Bucket).Reasons[0]);
        Assert.Equal([ImpactFlag.Downtime], removed.Row(Endpoint).Flags);
        var created = report.Stacks.Single(s => s.Stack == "Serving");
        Assert.Equal(StackChange.New, created.Change);
        Assert.Equal([ImpactFlag.DeployFails], created.Row(Endpoint).Flags);
        Assert.Contains("whose stack left the app (cdk deploy does not delete it)", created.Row(Endpoint).Reasons[0]);
        Assert.Empty(created.Row(Model).Flags);
    }

    [Fact]
    public void NestedCreateOnlyPointer_ReplacesOnlyForTheListedItemProperty()
    {
        // AWS::SSMQuickSetup::ConfigurationManager: createOnlyProperties /ConfigurationDefinitions/*/Type and TypeVersion only.
        JsonObject Template(string definitions) => Parse($$"""
            { "Resources": { "QuickSetup": { "Type": "AWS::SSMQuickSetup::ConfigurationManager", "Properties": { "ConfigurationDefinitions": {{definitions}} } } } }
            """);
        var original = Template("""[ { "Type": "AWSQuickSetupType-A", "Parameters": { "x": "1" } } ]""");

        ResourceAction ActionFor(string definitions) => CompareServing(original.DeepClone().AsObject(), Template(definitions)).Row("QuickSetup").Action;

        Assert.Equal(ResourceAction.Updated, ActionFor("""[ { "Type": "AWSQuickSetupType-A", "Parameters": { "x": "2" } } ]"""));
        Assert.Equal(ResourceAction.Replaced, ActionFor("""[ { "Type": "AWSQuickSetupType-B", "Parameters": { "x": "1" } } ]"""));
        Assert.Equal(ResourceAction.Replaced, ActionFor("""[ { "Type": "AWSQuickSetupType-A", "Parameters": { "x": "1" } }, { "Type": "AWSQuickSetupType-B" } ]"""));
    }

    [Fact]
    public void TypeWithoutSchema_MayBeReplaced()
    {
        JsonObject Template(string name) => Parse($$"""
            { "Resources": { "Job": { "Type": "AWS::Bedrock::ModelImportJob", "Properties": { "JobName": "{{name}}" } } } }
            """);

        var row = CompareServing(Template("a"), Template("b")).Row("Job");

        Assert.Equal(ResourceAction.MayBeReplaced, row.Action);
        Assert.StartsWith("no resource schema for AWS::Bedrock::ModelImportJob", row.Reasons[0]);
    }
}
