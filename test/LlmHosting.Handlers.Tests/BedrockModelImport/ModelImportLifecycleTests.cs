using System.Text;
using System.Text.Json.Nodes;
using LlmHosting.Constructs.Bedrock;
using static LlmHosting.Lambda.BedrockModelImport.Tests.HandlerCalls;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>The real handler code, over HTTP, against a loopback fake of Bedrock and EventBridge.</summary>
public sealed class ModelImportLifecycleTests : IAsyncLifetime
{
    private readonly List<TimeSpan> _delays = [];
    private readonly StringWriter _log = new();
    private FakeAwsApi _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeAwsApi.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Create_ValidFolder_CompletesAfterSeveralPollsWithModelArnAndName()
    {
        _api.PollsBeforeEnd = 3;
        var handler = Handler();

        var created = await Call(handler.OnEvent, CreateRequest("req-1"));
        var physicalId = (string)created["PhysicalResourceId"]!;
        var jobArn = (string)created["Data"]!["JobArn"]!;
        Assert.Matches("^llm-dev-gpt-oss-20b-[0-9a-f]{8}$", physicalId);
        Assert.StartsWith("arn:aws:bedrock:us-east-1:123456789012:model-import-job/", jobArn);

        var polls = new List<JsonObject>();
        for (var i = 0; i < 10; i++)
        {
            var result = await Call(handler.IsComplete, Merge(CreateRequest("req-1"), created));
            polls.Add(result);
            if ((bool)result["IsComplete"]!)
            {
                break;
            }
        }

        Assert.Equal([false, false, false, true], polls.Select(p => (bool)p["IsComplete"]!));
        Assert.All(polls.SkipLast(1), p => Assert.Null(p["Data"]));
        var data = polls[^1]["Data"]!;
        Assert.Equal(_api.Models[physicalId], (string)data["ModelArn"]!);
        Assert.Equal(physicalId, (string)data["ModelName"]!);

        var create = Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == "/model-import-jobs");
        var body = JsonNode.Parse(create.Body)!;
        Assert.Equal(S3Uri, (string)body["modelDataSource"]!["s3DataSource"]!["s3Uri"]!);
        Assert.Equal(RoleArn, (string)body["roleArn"]!);
        Assert.Equal(physicalId, (string)body["importedModelName"]!);
        Assert.Equal(ImportNames.ClientRequestToken(CreateRequest("req-1")), (string)body["clientRequestToken"]!);
        Assert.Equal(4, _api.Requests.Count(r => r.Method == "GET" && Uri.UnescapeDataString(r.Path) == "/model-import-jobs/" + jobArn));

        var entry = Assert.Single(_api.Events);
        Assert.Equal(ModelImportEvents.Source, (string)entry["Source"]!);
        Assert.Equal(ModelImportEvents.DetailType, (string)entry["DetailType"]!);
        Assert.Equal(jobArn, (string)entry["Resources"]![0]!);
        var detail = JsonNode.Parse((string)entry["Detail"]!)!;
        Assert.Equal(ModelImportEvents.StatusCompleted, (string)detail["status"]!);
        Assert.Equal(_api.Models[physicalId], (string)detail["importedModelArn"]!);
        Assert.Equal("ModelImport", (string)detail["logicalResourceId"]!);
        Assert.Null(detail["failureMessage"]);
    }

    [Fact]
    public async Task IsComplete_JobFailed_ThrowsWithBedrocksMessageAndPutsFailedEvent()
    {
        _api.PollsBeforeEnd = 1;
        _api.FailureMessage = "The model architecture GptOssForCausalLM requires a metadata field in model.safetensors.index.json";
        var handler = Handler();
        var created = await Call(handler.OnEvent, CreateRequest("req-1"));

        Assert.False((bool)(await Call(handler.IsComplete, Merge(CreateRequest("req-1"), created)))["IsComplete"]!);
        var error = await Assert.ThrowsAsync<ModelImportFailedException>(() => Call(handler.IsComplete, Merge(CreateRequest("req-1"), created)));

        Assert.Contains(_api.FailureMessage, error.Message);
        Assert.Contains((string)created["Data"]!["JobArn"]!, error.Message);
        var detail = JsonNode.Parse((string)Assert.Single(_api.Events)["Detail"]!)!;
        Assert.Equal(ModelImportEvents.StatusFailed, (string)detail["status"]!);
        Assert.Equal(_api.FailureMessage, (string)detail["failureMessage"]!);
        Assert.Null(detail["importedModelArn"]);
    }

    [Fact]
    public async Task Create_ThrottledThenServerErrors_RetriesWithGrowingBackoffThenSucceeds()
    {
        _api.FaultsApplyTo = (method, _) => method == "POST";
        _api.InjectFaults((429, "ThrottlingException"), (400, "ThrottlingException"), (503, null), (500, "InternalServerException"));
        var handler = Handler();

        var created = await Call(handler.OnEvent, CreateRequest("req-1"));

        Assert.NotNull(created["Data"]!["JobArn"]);
        Assert.Equal(1, _api.JobCount);
        Assert.Equal(5, _api.Requests.Count(r => r.Method == "POST" && r.Path == "/model-import-jobs"));
        Assert.Equal(4, _delays.Count);
        Assert.True(_delays.Zip(_delays.Skip(1)).All(p => p.Second > p.First), string.Join(", ", _delays));
        Assert.All(_delays, d => Assert.True(d <= TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Create_FirstAttemptTimesOut_IsRetried()
    {
        // Well below the fake's 5-second hang, and well above what a loaded 2-core CI machine needs for the
        // other requests of the create (500 ms was too tight there: a second request timed out too).
        _http.Timeout = TimeSpan.FromSeconds(2);
        _api.FaultsApplyTo = (method, _) => method == "POST";
        _api.InjectFaults((FakeAwsApi.Hang, null));

        var created = await Call(Handler().OnEvent, CreateRequest("req-1"));

        Assert.NotNull(created["Data"]!["JobArn"]);
        Assert.Equal(2, _api.Requests.Count(r => r.Method == "POST" && r.Path == "/model-import-jobs"));
        Assert.Single(_delays);
    }

    [Fact]
    public async Task Create_ThrottledBeyondMaxAttempts_FailsNamingTheThrottling()
    {
        _api.FaultsApplyTo = (method, _) => method == "POST";
        _api.InjectFaults(Enumerable.Repeat<(int, string?)>((429, "ThrottlingException"), 6).ToArray());
        var handler = Handler();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Call(handler.OnEvent, CreateRequest("req-1")));

        Assert.Contains("CreateModelImportJob failed: 429 ThrottlingException", error.Message);
        Assert.Equal(6, _api.Requests.Count(r => r.Method == "POST" && r.Path == "/model-import-jobs"));
        Assert.Equal(0, _api.JobCount);
    }

    [Fact]
    public async Task Create_SameRequestTwice_StartsOneJob_ReplacementStartsAnother()
    {
        var handler = Handler();

        var first = await Call(handler.OnEvent, CreateRequest("req-1"));
        var retried = await Call(handler.OnEvent, CreateRequest("req-1"));
        Assert.Equal((string)first["Data"]!["JobArn"]!, (string)retried["Data"]!["JobArn"]!);
        Assert.Equal((string)first["PhysicalResourceId"]!, (string)retried["PhysicalResourceId"]!);
        Assert.Equal(1, _api.JobCount);

        var newUri = "s3://weights-bucket/models/gpt-oss-20b-v2/";
        var update = CreateRequest("req-2", newUri);
        update["RequestType"] = "Update";
        update["PhysicalResourceId"] = (string)first["PhysicalResourceId"]!;
        update["OldResourceProperties"] = CreateRequest("req-1")["ResourceProperties"]!.DeepClone();
        var replaced = await Call(handler.OnEvent, update);

        Assert.NotEqual((string)first["PhysicalResourceId"]!, (string)replaced["PhysicalResourceId"]!);
        Assert.NotEqual((string)first["Data"]!["JobArn"]!, (string)replaced["Data"]!["JobArn"]!);
        Assert.Equal(2, _api.JobCount);
    }

    [Fact]
    public async Task Update_RetainOnDeleteOnly_KeepsThePhysicalIdAndStartsNoJob()
    {
        _api.Models["llm-dev-gpt-oss-20b-0badcafe"] = "arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdefabcdef";
        var update = CreateRequest("req-2");
        update["RequestType"] = "Update";
        update["PhysicalResourceId"] = "llm-dev-gpt-oss-20b-0badcafe";
        update["OldResourceProperties"] = update["ResourceProperties"]!.DeepClone();
        update["ResourceProperties"]!["RetainOnDelete"] = "true";
        var handler = Handler();

        var result = await Call(handler.OnEvent, update);
        var complete = await Call(handler.IsComplete, Merge(update, result));

        Assert.Equal("llm-dev-gpt-oss-20b-0badcafe", (string)result["PhysicalResourceId"]!);
        Assert.Equal("arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdefabcdef", (string)result["Data"]!["ModelArn"]!);
        Assert.True((bool)complete["IsComplete"]!);
        Assert.Equal(0, _api.JobCount);
    }

    [Fact]
    public async Task Delete_ExistingModel_DeletesIt_MissingModelSucceeds_RetainKeeps()
    {
        _api.Models["llm-dev-gpt-oss-20b-0badcafe"] = "arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdefabcdef";
        _api.Models["kept-0badcafe"] = "arn:aws:bedrock:us-east-1:123456789012:imported-model/bcdefabcdefa";
        var handler = Handler();

        await Call(handler.OnEvent, DeleteRequest("llm-dev-gpt-oss-20b-0badcafe"));
        Assert.False(_api.Models.ContainsKey("llm-dev-gpt-oss-20b-0badcafe"));

        var again = await Call(handler.OnEvent, DeleteRequest("llm-dev-gpt-oss-20b-0badcafe"));
        Assert.Equal("llm-dev-gpt-oss-20b-0badcafe", (string)again["PhysicalResourceId"]!);
        Assert.Equal(2, _api.Requests.Count(r => r.Method == "DELETE" && r.Path == "/imported-models/llm-dev-gpt-oss-20b-0badcafe"));
        Assert.Contains("already gone", _log.ToString());

        var retain = DeleteRequest("kept-0badcafe");
        retain["ResourceProperties"]!["RetainOnDelete"] = "true";
        await Call(handler.OnEvent, retain);
        Assert.True(_api.Models.ContainsKey("kept-0badcafe"));
        Assert.DoesNotContain(_api.Requests, r => r.Path == "/imported-models/kept-0badcafe");
    }

    [Fact]
    public async Task Update_NewWeightsFingerprint_ImportsAnew_SameFingerprintKeepsTheModel()
    {
        _api.Models["llm-dev-gpt-oss-20b-0badcafe"] = "arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdefabcdef";
        var handler = Handler();
        var same = CreateRequest("req-2");
        same["RequestType"] = "Update";
        same["PhysicalResourceId"] = "llm-dev-gpt-oss-20b-0badcafe";
        same["OldResourceProperties"] = same["ResourceProperties"]!.DeepClone();

        var kept = await Call(handler.OnEvent, same);
        Assert.Equal("llm-dev-gpt-oss-20b-0badcafe", (string)kept["PhysicalResourceId"]!);
        Assert.Equal(0, _api.JobCount);

        var changed = same.DeepClone().AsObject();
        changed["RequestId"] = "req-3";
        changed["ResourceProperties"]!["WeightsFingerprint"] = new string('b', 64);
        var reimported = await Call(handler.OnEvent, changed);

        Assert.NotEqual("llm-dev-gpt-oss-20b-0badcafe", (string)reimported["PhysicalResourceId"]!);
        Assert.Equal(1, _api.JobCount);
    }

    [Fact]
    public void ClientRequestToken_SameRequest_Same_OtherRequestOrResource_Different()
    {
        var token = ImportNames.ClientRequestToken(CreateRequest("req-1"));
        Assert.Equal(token, ImportNames.ClientRequestToken(CreateRequest("req-1")));
        Assert.NotEqual(token, ImportNames.ClientRequestToken(CreateRequest("req-2")));
        var other = CreateRequest("req-1");
        other["LogicalResourceId"] = "OtherImport";
        Assert.NotEqual(token, ImportNames.ClientRequestToken(other));
        Assert.Matches("^[0-9a-f]{64}$", token);
    }

    [Fact]
    public async Task Request_Unsigned_IsRejectedByTheFake()
    {
        // Guards the fake itself: without this, the signature checks above could pass vacuously.
        var response = await _http.PostAsync(new Uri(_api.BaseUri, "model-import-jobs"), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(403, (int)response.StatusCode);
    }

    private Handler Handler() => HandlerCalls.Handler(_api, _http, _log, _delays);
}
