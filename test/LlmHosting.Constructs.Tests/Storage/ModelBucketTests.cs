using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.S3;
using LlmHosting.Constructs.Storage;
using System.Text.Json.Nodes;

namespace LlmHosting.Constructs.Tests.Storage;

public sealed class ModelBucketTests
{
    private static (JsonObject Template, JsonObject Bucket) Synth(ModelBucketProps? props = null, Action<Stack, ModelBucket>? more = null)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights", props);
        more?.Invoke(stack, bucket);
        var template = TestStacks.Json(stack);
        var buckets = TestStacks.Resources(template, "AWS::S3::Bucket");
        return (template, Assert.Single(buckets).Properties);
    }

    [Fact]
    public void Ctor_Default_BlocksAllPublicAccess()
    {
        var (_, bucket) = Synth();
        var block = bucket["PublicAccessBlockConfiguration"]!.AsObject();
        foreach (var setting in new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" })
        {
            Assert.True((bool)block[setting]!, setting);
        }

        Assert.Equal("BucketOwnerEnforced", (string)bucket["OwnershipControls"]!["Rules"]![0]!["ObjectOwnership"]!);
    }

    [Fact]
    public void Ctor_Default_DeniesRequestsWithoutTls()
    {
        var (template, _) = Synth();
        var policy = Assert.Single(TestStacks.Resources(template, "AWS::S3::BucketPolicy")).Properties;
        var statements = policy["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();

        var deny = Assert.Single(statements, s => s["Condition"]?["Bool"]?["aws:SecureTransport"] is not null);
        Assert.Equal("Deny", (string)deny["Effect"]!);
        Assert.Equal("false", (string)deny["Condition"]!["Bool"]!["aws:SecureTransport"]!);
        Assert.Equal("s3:*", (string)deny["Action"]!);
        Assert.Equal("*", (string)deny["Principal"]!["AWS"]!);
        Assert.Contains(statements, s => s["Condition"]?["NumericLessThan"]?["s3:TlsVersion"] is not null);
    }

    [Fact]
    public void Ctor_Default_IsVersionedAndEncryptedWithS3ManagedKeys()
    {
        var (_, bucket) = Synth();
        Assert.Equal("Enabled", (string)bucket["VersioningConfiguration"]!["Status"]!);
        var sse = bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!;
        Assert.Equal("AES256", (string)sse["SSEAlgorithm"]!);
        Assert.Null(sse["KMSMasterKeyID"]);
    }

    [Fact]
    public void Ctor_Default_AbortsIncompleteMultipartUploadsAfterSevenDays()
    {
        var (_, bucket) = Synth();
        var rules = bucket["LifecycleConfiguration"]!["Rules"]!.AsArray();
        var abort = Assert.Single(rules, r => r!["AbortIncompleteMultipartUpload"] is not null)!;
        Assert.Equal(7, (double)abort["AbortIncompleteMultipartUpload"]!["DaysAfterInitiation"]!);
        Assert.Equal("Enabled", (string)abort["Status"]!);
        Assert.Null(abort["Prefix"]);
    }

    [Fact]
    public void Ctor_Default_ExpiresNoncurrentVersionsAfterThirtyDays()
    {
        var (_, bucket) = Synth();
        var rules = bucket["LifecycleConfiguration"]!["Rules"]!.AsArray();
        var expire = Assert.Single(rules, r => r!["NoncurrentVersionExpiration"] is not null)!;
        Assert.Equal(30, (double)expire["NoncurrentVersionExpiration"]!["NoncurrentDays"]!);
    }

    [Fact]
    public void Ctor_Default_IsRetainedOnUpdateAndStackDeletion_ButNotOnAFailedCreate()
    {
        var (template, _) = Synth();
        var resource = template["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == "AWS::S3::Bucket").Value!;
        Assert.Equal("RetainExceptOnCreate", (string)resource["DeletionPolicy"]!);
        Assert.Equal("Retain", (string)resource["UpdateReplacePolicy"]!);
        Assert.Empty(TestStacks.Resources(template, "Custom::S3AutoDeleteObjects"));
    }

    [Fact]
    public void Ctor_DestroyWithAutoDelete_DeletesAndEmptiesTheBucket()
    {
        var (template, _) = Synth(new ModelBucketProps { RemovalPolicy = RemovalPolicy.DESTROY, AutoDeleteObjects = true });
        var resource = template["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == "AWS::S3::Bucket").Value!;
        Assert.Equal("Delete", (string)resource["DeletionPolicy"]!);
        Assert.Single(TestStacks.Resources(template, "Custom::S3AutoDeleteObjects"));
    }

    [Fact]
    public void Ctor_WithKey_UsesSseKmsWithBucketKey()
    {
        var stack = TestStacks.New();
        var key = new Key(stack, "Key");
        _ = new ModelBucket(stack, "Weights", new ModelBucketProps { EncryptionKey = key });
        var json = TestStacks.Json(stack);
        var encryption = TestStacks.Resources(json, "AWS::S3::Bucket").Single().Properties["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!;
        Assert.Equal("aws:kms", (string)encryption["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!);
        var keyId = TestStacks.Resources(json, "AWS::KMS::Key").Single().Id;
        Assert.Equal(keyId, (string)encryption["ServerSideEncryptionByDefault"]!["KMSMasterKeyID"]!["Fn::GetAtt"]![0]!);
        Assert.True((bool)encryption["BucketKeyEnabled"]!);
    }

    [Fact]
    public void Ctor_WithAccessLogBucket_LogsUnderPrefix()
    {
        var stack = TestStacks.New();
        var logs = new Bucket(stack, "Logs", new BucketProps { ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED });
        _ = new ModelBucket(stack, "Weights", new ModelBucketProps { ServerAccessLogsBucket = logs, ServerAccessLogsPrefix = "weights/" });
        var json = TestStacks.Json(stack);
        var weights = TestStacks.Resources(json, "AWS::S3::Bucket").Single(b => b.Properties["LoggingConfiguration"] is not null).Properties;
        Assert.Equal("weights/", (string)weights["LoggingConfiguration"]!["LogFilePrefix"]!);
    }

    [Fact]
    public void Ctor_Default_HasStableLogicalId()
    {
        var (template, _) = Synth();
        // Renaming the construct ids would replace the bucket and orphan the weights in it.
        Assert.Equal("WeightsBucket670F500A", TestStacks.Resources(template, "AWS::S3::Bucket").Single().Id);
    }

    [Fact]
    public void GrantRead_PrefixA_GrantsGetObjectOnlyUnderA()
    {
        var statements = GrantStatements("a/");
        var get = Assert.Single(statements, s => TestStacks.Actions(s).Contains("s3:GetObject"));
        Assert.Equal(["s3:GetObject"], TestStacks.Actions(get));
        var resource = ObjectArnSuffix(get);
        Assert.Equal("/a/*", resource);
        Assert.True(IamWildcard.Matches("bucket" + resource, "bucket/a/config.json"));
        Assert.False(IamWildcard.Matches("bucket" + resource, "bucket/b/config.json"));
        Assert.False(IamWildcard.Matches("bucket" + resource, "bucket/ab/config.json"));
    }

    [Fact]
    public void GrantRead_PrefixA_ListsBucketOnlyUnderA()
    {
        var statements = GrantStatements("a/");
        var list = Assert.Single(statements, s => TestStacks.Actions(s).Contains("s3:ListBucket"));
        Assert.Equal(["s3:ListBucket"], TestStacks.Actions(list));
        Assert.Equal("a/*", (string)Assert.Single(list["Condition"]!["StringLike"]!["s3:prefix"]!.AsArray())!);
        Assert.NotNull(list["Resource"]!["Fn::GetAtt"]);
        Assert.False(IamWildcard.Matches("a/*", "b/"));
    }

    [Fact]
    public void GrantRead_Default_GrantsNothingElse()
    {
        var statements = GrantStatements("models/gpt-oss-20b");
        Assert.Equal(2, statements.Count);
        Assert.All(statements, s => Assert.Equal("Allow", (string)s["Effect"]!));
        Assert.DoesNotContain(statements, s => TestStacks.Actions(s).Any(a => a.Contains('*')));
    }

    [Fact]
    public void GrantRead_WithKey_AddsKmsDecryptOnThatKey()
    {
        var stack = TestStacks.New();
        var key = new Key(stack, "Key");
        var bucket = new ModelBucket(stack, "Weights", new ModelBucketProps { EncryptionKey = key });
        var role = new Role(stack, "Reader", new RoleProps { AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com") });
        bucket.GrantRead(role, "a/");
        var json = TestStacks.Json(stack);
        var statements = TestStacks.PolicyStatements(json);
        var kms = Assert.Single(statements, s => TestStacks.Actions(s).Any(a => a.StartsWith("kms:", StringComparison.Ordinal)));
        Assert.Equal(["kms:Decrypt"], TestStacks.Actions(kms));
        Assert.Equal(TestStacks.Resources(json, "AWS::KMS::Key").Single().Id, (string)kms["Resource"]!["Fn::GetAtt"]![0]!);
    }

    [Fact]
    public void S3UriFor_PrefixWithoutSlash_EndsWithSlash()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var uri = Newtonsoft.Json.JsonConvert.SerializeObject(stack.Resolve(bucket.S3UriFor("models/gpt-oss-20b")));
        Assert.Matches("^\\{\"Fn::Join\":\\[\"\",\\[\"s3://\",\\{\"Ref\":\"WeightsBucket[0-9A-F]{8}\"\\},\"/models/gpt-oss-20b/\"\\]\\]\\}$", uri);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("/models/a/", "starts with '/'")]
    [InlineData("models/*", "wildcard")]
    [InlineData("models//a", "empty, '.' or '..' segment")]
    [InlineData("models/../b", "empty, '.' or '..' segment")]
    public void GrantRead_InvalidPrefix_ThrowsNamingProblem(string prefix, string expected)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var role = new Role(stack, "Reader", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        var error = Assert.ThrowsAny<ArgumentException>(() => bucket.GrantRead(role, prefix));
        Assert.Contains($"Invalid model prefix '{prefix}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Ctor_SeveralMistakes_ReportsThemAll()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => new ModelBucket(stack, "Weights", new ModelBucketProps
        {
            AutoDeleteObjects = true,
            ServerAccessLogsPrefix = "logs/",
            AbortIncompleteMultipartUploadAfter = Duration.Hours(12),
        }));
        Assert.StartsWith("Invalid ModelBucketProps: ", error.Message);
        Assert.Contains("AutoDeleteObjects is true but RemovalPolicy is RETAIN_ON_UPDATE_OR_DELETE", error.Message);
        Assert.Contains("ServerAccessLogsPrefix is set without ServerAccessLogsBucket", error.Message);
        Assert.Contains("AbortIncompleteMultipartUploadAfter is 12 hours", error.Message);
    }

    [Fact]
    public void FromBucket_Imported_GrantsTheSamePrefixScopedRead()
    {
        var stack = TestStacks.New();
        var imported = ModelBucket.FromBucket(stack, "Existing", Bucket.FromBucketName(stack, "Raw", "my-weights"));
        var role = new Role(stack, "Reader", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        imported.GrantRead(role, "a/");
        var statements = TestStacks.PolicyStatements(TestStacks.Json(stack));
        Assert.Equal(2, statements.Count);
        Assert.Equal("s3://my-weights/a/", stack.Resolve(imported.S3UriFor("a")));
    }

    private static IReadOnlyList<JsonObject> GrantStatements(string prefix)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var role = new Role(stack, "Reader", new RoleProps { AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com") });
        bucket.GrantRead(role, prefix);
        return TestStacks.PolicyStatements(TestStacks.Json(stack));
    }

    // The object ARN is Fn::Join ["", [bucket arn, "/a/*"]]; returns the literal suffix.
    private static string ObjectArnSuffix(JsonObject statement)
    {
        var parts = statement["Resource"]!["Fn::Join"]![1]!.AsArray();
        return (string)parts[^1]!;
    }
}
