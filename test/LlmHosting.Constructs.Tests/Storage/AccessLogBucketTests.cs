using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Storage;

public sealed class AccessLogBucketTests
{
    [Fact]
    public void AccessLogBucket_IsVersionedSseS3NotPublic_AndExpires()
    {
        var stack = TestStacks.New();
        _ = new AccessLogBucket(stack, "AccessLogBucket");

        var (_, bucket) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::S3::Bucket"));
        Assert.Equal("Enabled", (string)bucket["VersioningConfiguration"]!["Status"]!);
        Assert.Equal("AES256", (string)bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!);
        Assert.Equal("BucketOwnerEnforced", (string)bucket["OwnershipControls"]!["Rules"]![0]!["ObjectOwnership"]!);
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], s => Assert.True((bool)bucket["PublicAccessBlockConfiguration"]![s]!));
        var rule = bucket["LifecycleConfiguration"]!["Rules"]![0]!;
        Assert.Equal(365, (double)rule["ExpirationInDays"]!);
        Assert.Equal(30, (double)rule["NoncurrentVersionExpiration"]!["NoncurrentDays"]!);
    }

    [Fact]
    public void AccessLogBucket_PolicyDeniesEveryRequestWithoutTls()
    {
        var stack = TestStacks.New();
        _ = new AccessLogBucket(stack, "AccessLogBucket");

        var (_, policy) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::S3::BucketPolicy"));
        var deny = Assert.Single(policy["PolicyDocument"]!["Statement"]!.AsArray(), s => (string)s!["Effect"]! == "Deny")!;
        Assert.Equal("false", (string)deny["Condition"]!["Bool"]!["aws:SecureTransport"]!);
        Assert.Equal("s3:*", (string)deny["Action"]!);
        Assert.Equal("*", (string)deny["Principal"]!["AWS"]!);
        Assert.Equal(2, deny["Resource"]!.AsArray().Count);
    }

    [Fact]
    public void AccessLogBucket_KeepsTheLogicalIdOfAPlainBucketWithTheSameId()
    {
        var plain = TestStacks.New();
        _ = new Bucket(plain, "AccessLogBucket");
        var wrapped = TestStacks.New();
        _ = new AccessLogBucket(wrapped, "AccessLogBucket");

        Assert.Equal(
            Assert.Single(TestStacks.Resources(TestStacks.Json(plain), "AWS::S3::Bucket")).Id,
            Assert.Single(TestStacks.Resources(TestStacks.Json(wrapped), "AWS::S3::Bucket")).Id);
    }

    [Fact]
    public void AccessLogBucket_Destroy_EmptiesTheBucketFirst_WithTheAutoDeleteFunctionsDeclaredLogGroup()
    {
        var stack = TestStacks.New();
        _ = new AccessLogBucket(stack, "AccessLogBucket", new AccessLogBucketProps { RemovalPolicy = RemovalPolicy.DESTROY });
        var template = TestStacks.Json(stack);

        var (bucketId, _) = Assert.Single(TestStacks.Resources(template, "AWS::S3::Bucket"));
        Assert.Equal("Delete", (string)template["Resources"]![bucketId]!["DeletionPolicy"]!);
        // A versioned bucket with objects cannot be deleted: CDK's auto-delete resource empties it on the way out.
        var (_, autoDelete) = Assert.Single(TestStacks.Resources(template, "Custom::S3AutoDeleteObjects"));
        Assert.Equal(bucketId, (string)autoDelete["BucketName"]!["Ref"]!);
        var (_, function) = Assert.Single(TestStacks.Resources(template, "AWS::Lambda::Function"));
        Assert.NotNull(function["LoggingConfig"]?["LogGroup"]);
    }

    [Fact]
    public void AccessLogBucket_Default_IsRetainedExceptOnAFailedCreateAndNeverEmptied()
    {
        var stack = TestStacks.New();
        _ = new AccessLogBucket(stack, "AccessLogBucket");
        var template = TestStacks.Json(stack);

        Assert.Equal("RetainExceptOnCreate", (string)template["Resources"]![Assert.Single(TestStacks.Resources(template, "AWS::S3::Bucket")).Id]!["DeletionPolicy"]!);
        Assert.Empty(TestStacks.Resources(template, "Custom::S3AutoDeleteObjects"));
    }

    [Fact]
    public void AccessLogBucket_InAnAppWithoutS3FeatureFlags_TakesModelBucketLogsThroughItsPolicy()
    {
        // No cdk.json context at all: CDK 2.160 would otherwise grant log delivery with an ACL, which the bucket refuses.
        var stack = new Stack(new App(), "Bare", new StackProps { Env = new Amazon.CDK.Environment { Account = "123456789012", Region = "us-east-1" } });
        var logs = new AccessLogBucket(stack, "AccessLogBucket");
        _ = new ModelBucket(stack, "Models", new ModelBucketProps { ServerAccessLogsBucket = logs.Bucket, ServerAccessLogsPrefix = "models/" });

        var template = TestStacks.Json(stack);
        var policies = TestStacks.Resources(template, "AWS::S3::BucketPolicy").Select(p => p.Properties.ToJsonString()).ToList();
        Assert.Contains(policies, p => p.Contains("logging.s3.amazonaws.com", StringComparison.Ordinal));
        Assert.DoesNotContain("LogDeliveryWrite", template.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AccessLogBucket_PartialDays_AreRefused()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new AccessLogBucket(TestStacks.New(), "Logs", new AccessLogBucketProps { Expiration = Duration.Hours(36) }));

        Assert.Equal("Invalid AccessLogBucketProps: Expiration is 1 day 12 hours; S3 lifecycle rules count in whole days, at least 1.", error.Message);
    }

    [Fact]
    public void ModelBucket_AutoDeleteFunction_WritesToADeclaredLogGroup_AndItsRoleHasNoManagedPolicy()
    {
        var stack = TestStacks.New();
        _ = new ModelBucket(stack, "Weights", new ModelBucketProps { RemovalPolicy = RemovalPolicy.DESTROY, AutoDeleteObjects = true });
        var template = TestStacks.Json(stack);

        var (groupId, group) = Assert.Single(TestStacks.Resources(template, "AWS::Logs::LogGroup"));
        Assert.Equal(30, (double)group["RetentionInDays"]!);
        var (_, function) = Assert.Single(TestStacks.Resources(template, "AWS::Lambda::Function"));
        Assert.Equal(groupId, (string)function["LoggingConfig"]!["LogGroup"]!["Ref"]!);
        var (_, role) = Assert.Single(TestStacks.Resources(template, "AWS::IAM::Role"));
        Assert.Null(role["ManagedPolicyArns"]);
        var logs = Assert.Single(role["Policies"]![0]!["PolicyDocument"]!["Statement"]!.AsArray(), s => s!["Action"]!.ToJsonString().Contains("logs:", StringComparison.Ordinal))!;
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], TestStacks.Actions(logs.AsObject()));
        Assert.Equal(groupId, (string)logs["Resource"]!["Fn::GetAtt"]![0]!);
    }
}
