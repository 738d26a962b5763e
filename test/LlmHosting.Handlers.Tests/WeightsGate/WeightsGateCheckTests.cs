using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.ModelValidation;
using LlmHosting.TestSupport;

namespace LlmHosting.Lambda.WeightsGate.Tests;

/// <summary>moto_server on 127.0.0.1, started once for the gate tests.</summary>
public sealed class GateMoto : IDisposable
{
    public MotoServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}

/// <summary>
/// The gate's check over HTTP against moto_server (S3) and, for the failures moto does not produce, a loopback fake that
/// answers S3 errors: every verdict of the validator, the manifest comparison and the S3 failure messages.
/// </summary>
public sealed class WeightsGateCheckTests(GateMoto moto) : IClassFixture<GateMoto>, IDisposable
{
    private readonly string _bucket = "weights-" + Guid.NewGuid().ToString("N")[..12];
    private readonly AmazonS3Client _s3 = moto.Server.S3();
    private readonly StringWriter _log = new();

    public void Dispose() => _s3.Dispose();

    [Theory]
    [InlineData("SageMaker")]
    [InlineData("Bedrock")]
    public async Task Create_ValidFolder_PassesWithTheFingerprintOfTheListing(string rules)
    {
        var uri = await UploadAsync("models/gpt-oss-20b/", ModelFolderBuilder.Valid());

        var result = await new WeightsGateCheck(FolderFor(_s3), _log).OnEventAsync(Request(uri, rules), CancellationToken.None);

        Assert.Equal(uri, (string)result["PhysicalResourceId"]!);
        var listing = await S3ModelFolder.FromUri(_s3, uri).ListObjectsAsync();
        var expected = new WeightsManifest("models/gpt-oss-20b/", listing.Select(o => new ManifestEntry(o.Key, o.Size, "", o.ETag)).ToList()).Fingerprint;
        Assert.Equal(expected, (string)result["Data"]!["Fingerprint"]!);
        Assert.Equal("6", (string)result["Data"]!["FileCount"]!);
    }

    [Fact]
    public async Task Create_EmptyPrefix_FailsNamingThePrefix()
    {
        await _s3.PutBucketAsync(_bucket);
        var uri = $"s3://{_bucket}/models/nothing-here/";

        var error = await Assert.ThrowsAsync<WeightsNotReadyException>(() => new WeightsGateCheck(FolderFor(_s3), _log).OnEventAsync(Request(uri, "SageMaker"), CancellationToken.None));

        Assert.StartsWith($"Model weights at {uri} are not ready for SageMaker (1 problem(s)): (folder): the folder is empty or does not exist.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"llmhost validate-model {uri} --for sagemaker", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, bool> InvalidVariants()
    {
        // Whether SageMaker's rules catch it too: Bedrock's own rules (index metadata and fields, metal/) do not apply to vLLM.
        var bedrockOnly = new HashSet<string> { "index-without-metadata", "index-with-total-parameters", "metal-folder" };
        var data = new TheoryData<string, string, string, bool>();
        foreach (var (name, _, key, fragment) in ModelFolderBuilder.InvalidVariants())
        {
            data.Add(name, key, fragment, !bedrockOnly.Contains(name));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidVariants))]
    public async Task Create_InvalidFolder_FailsWithEveryProblem_PerRules(string variant, string key, string fragment, bool sageMakerToo)
    {
        var files = ModelFolderBuilder.InvalidVariants().Single(v => v.Name == variant).Files;
        var uri = await UploadAsync($"models/{variant}/", files);
        var check = new WeightsGateCheck(FolderFor(_s3), _log);

        var error = await Assert.ThrowsAsync<WeightsNotReadyException>(() => check.OnEventAsync(Request(uri, "Bedrock"), CancellationToken.None));
        Assert.Contains($"Model weights at {uri} are not ready for Bedrock", error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);

        if (sageMakerToo)
        {
            await Assert.ThrowsAsync<WeightsNotReadyException>(() => check.OnEventAsync(Request(uri, "SageMaker"), CancellationToken.None));
        }
        else
        {
            await check.OnEventAsync(Request(uri, "SageMaker"), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Create_ExpectedFilesOfTheUpload_PassWhenEqual_FailNamingEachDifference()
    {
        var uri = await UploadAsync("models/pinned/", ModelFolderBuilder.Valid());
        var listing = await S3ModelFolder.FromUri(_s3, uri).ListObjectsAsync();
        var check = new WeightsGateCheck(FolderFor(_s3), _log);
        await check.OnEventAsync(Request(uri, "SageMaker", listing), CancellationToken.None);

        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "models/pinned/config.json", ContentBody = "{\"changed\":true}" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "models/pinned/README.md", ContentBody = "extra" });
        var error = await Assert.ThrowsAsync<WeightsNotReadyException>(() => check.OnEventAsync(Request(uri, "SageMaker", listing), CancellationToken.None));

        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("extra README.md (the deployed manifest of the upload)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ManyProblems_ListsTheFirstOnesAndCountsTheRest()
    {
        var files = ModelFolderBuilder.Valid();
        var index = new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = new JsonObject() };
        for (var i = 0; i < 40; i++)
        {
            index["weight_map"]![$"layer{i}"] = $"shard-{i:D2}.safetensors";
        }

        files["model.safetensors.index.json"] = index.ToJsonString();
        files.Remove(ModelFolderBuilder.Shards[0]);
        files.Remove(ModelFolderBuilder.Shards[1]);
        var uri = await UploadAsync("models/many/", files);

        var error = await Assert.ThrowsAsync<WeightsNotReadyException>(() => new WeightsGateCheck(FolderFor(_s3), _log).OnEventAsync(Request(uri, "SageMaker"), CancellationToken.None));

        Assert.Contains("(40 problem(s))", error.Message, StringComparison.Ordinal);
        Assert.Contains($"and {40 - WeightsGateCheck.MaxProblemsInMessage} more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BucketMissing_SaysDeployTheStorageStackFirst()
    {
        var uri = $"s3://no-such-bucket-{Guid.NewGuid():N}"[..40] + "/models/x/";

        var error = await Assert.ThrowsAsync<WeightsUnreadableException>(() => new WeightsGateCheck(FolderFor(_s3), _log).OnEventAsync(Request(uri, "SageMaker"), CancellationToken.None));

        Assert.Contains("does not exist. Deploy the environment's Storage stack first", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, "AccessDenied", "S3 denied access (AccessDenied)")]
    [InlineData(503, "SlowDown", "S3 kept throttling the listing (SlowDown) after retries")]
    public async Task Create_S3Errors_GiveAClearMessage(int status, string code, string expected)
    {
        await using var fake = await FakeS3Errors.StartAsync(status, code);
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("testing", "testing"), new AmazonS3Config
        {
            ServiceURL = fake.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 2,
        });

        var error = await Assert.ThrowsAsync<WeightsUnreadableException>(() => new WeightsGateCheck(FolderFor(s3), _log).OnEventAsync(Request("s3://weights/models/x/", "SageMaker"), CancellationToken.None));

        Assert.Contains("Cannot check s3://weights/models/x/: " + expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(status == 503 ? 3 : 1, fake.Requests);
    }

    [Fact]
    public async Task Delete_ChecksNothing()
    {
        var request = Request("s3://not-even-a-bucket/models/x/", "SageMaker");
        request["RequestType"] = "Delete";
        request["PhysicalResourceId"] = "s3://not-even-a-bucket/models/x/";

        var result = await new WeightsGateCheck(_ => throw new InvalidOperationException("no S3 call on delete"), _log).OnEventAsync(request, CancellationToken.None);

        Assert.Equal("s3://not-even-a-bucket/models/x/", (string)result["PhysicalResourceId"]!);
    }

    [Fact]
    public async Task Create_StartFilesOfTheModels_AreRequiredWithTheirHash()
    {
        // The synthesized gate names the files of its models' start contracts; here the fake vocabulary and its hash.
        var start = new JsonArray(new JsonObject { ["Key"] = ModelFolderBuilder.VocabularyKey, ["Sha256"] = ModelFolderBuilder.VocabularySha256 });
        var missing = await UploadAsync("models/without/", ModelFolderBuilder.Valid());
        var wrong = await UploadAsync("models/wrong/", new Dictionary<string, string>(ModelFolderBuilder.Valid()) { [ModelFolderBuilder.VocabularyKey] = "other" });
        var present = await UploadAsync("models/with/", new Dictionary<string, string>(ModelFolderBuilder.Valid()) { [ModelFolderBuilder.VocabularyKey] = ModelFolderBuilder.FakeVocabulary });
        var check = new WeightsGateCheck(FolderFor(_s3), _log);
        JsonObject With(string uri) { var r = Request(uri, "SageMaker"); r["ResourceProperties"]!["StartFiles"] = start.DeepClone(); return r; }

        var withoutError = await Assert.ThrowsAsync<WeightsNotReadyException>(() => check.OnEventAsync(With(missing), CancellationToken.None));
        var wrongError = await Assert.ThrowsAsync<WeightsNotReadyException>(() => check.OnEventAsync(With(wrong), CancellationToken.None));
        await check.OnEventAsync(With(present), CancellationToken.None);

        Assert.Contains($"(1 problem(s)): {ModelFolderBuilder.VocabularyKey}: missing; the serving container reads it at start", withoutError.Message);
        Assert.Contains("llmhost prepare-model <local folder> --fix", withoutError.Message);
        Assert.Contains($"accepts only {ModelFolderBuilder.VocabularySha256}", wrongError.Message);
        Assert.Contains("GET request(s)", _log.ToString());
    }

    [Fact]
    public async Task Create_GptOssFolderWithoutStartFiles_PassesAsForAnImportOnly()
    {
        // No StartFiles property: only Bedrock imports the folder, and Bedrock's import needs no tiktoken vocabulary. The gate
        // takes the requirement from the synthesized models instead of guessing it from config.json as llmhost does.
        var uri = await UploadAsync("models/gpt-oss/", ModelFolderBuilder.GptOss(withVocabulary: false));

        await new WeightsGateCheck(FolderFor(_s3), _log).OnEventAsync(Request(uri, "Bedrock"), CancellationToken.None);

        Assert.Contains("0 start file(s)", _log.ToString());
    }

    internal static Func<string, S3ModelFolder> FolderFor(IAmazonS3 s3) => uri => S3ModelFolder.FromUri(s3, uri);

    internal static JsonObject Request(string s3Uri, string rules, IReadOnlyList<StoredObject>? expected = null)
    {
        var properties = new JsonObject
        {
            ["ServiceToken"] = "arn:aws:lambda:us-east-1:123456789012:function:provider",
            ["S3Uri"] = s3Uri,
            ["Rules"] = rules,
        };
        if (expected is not null)
        {
            properties["ExpectedFiles"] = new JsonArray(expected.Select(o => (JsonNode)new JsonObject
            {
                ["Key"] = o.Key,
                ["Size"] = o.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ETag"] = o.ETag,
            }).ToArray());
        }

        return new JsonObject
        {
            ["RequestType"] = "Create",
            ["StackId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/llm-dev-serving/0f0e0d0c",
            ["RequestId"] = "req-1",
            ["LogicalResourceId"] = "Gate",
            ["ResourceType"] = "Custom::ModelWeightsGate",
            ["ResourceProperties"] = properties,
        };
    }

    private async Task<string> UploadAsync(string prefix, IReadOnlyDictionary<string, string> files)
    {
        try
        {
            await _s3.PutBucketAsync(_bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }

        foreach (var (key, content) in files)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = prefix + key, ContentBody = content });
        }

        return $"s3://{_bucket}/{prefix}";
    }
}
