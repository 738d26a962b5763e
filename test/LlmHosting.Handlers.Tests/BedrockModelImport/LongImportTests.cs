using System.Text.Json.Nodes;
using static LlmHosting.Lambda.BedrockModelImport.Tests.HandlerCalls;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>
/// Imports that outlive the Provider framework's TotalTimeout: the framework (<see cref="ProviderFramework"/>, on the
/// fake's clock) stops polling and fails the resource while the job goes on; the next attempt must leave exactly the
/// models that CloudFormation owns. CloudFormation's part: a failed create is rolled back with a delete of the physical
/// id of the FAILED answer (aws-cdk pull request 5525), a failed update with an update back to the old properties and
/// a delete of the id the failed update reported (aws-cdk issues 13527 and 30012).
/// </summary>
public sealed class LongImportTests : IAsyncLifetime
{
    private static readonly TimeSpan QueryInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromHours(1);

    private readonly StringWriter _log = new();
    private FakeAwsApi _api = null!;
    private HttpClient _http = null!;
    private ProviderFramework _framework = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeAwsApi.StartAsync();
        // Jobs end by the clock alone: 90 minutes, longer than the framework waits.
        _api.PollsBeforeEnd = 0;
        _api.JobDuration = TimeSpan.FromMinutes(90);
        _http = new HttpClient();
        _framework = new ProviderFramework(Handler(_api, _http, _log, []), _api, QueryInterval, TotalTimeout);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Create_JobOutlivesTheTimeout_RollbackDeleteWaitsForTheJobThenDeletesItsModel()
    {
        var start = _api.Now;
        var created = await _framework.SendAsync(CreateRequest("req-1"));
        Assert.Equal(("FAILED", "Operation timed out"), (created.Status, created.Reason));
        Assert.Matches("^llm-dev-gpt-oss-20b-[0-9a-f]{8}$", created.PhysicalResourceId);
        Assert.Empty(_api.Models);

        var deleted = await _framework.SendAsync(DeleteRequest(created.PhysicalResourceId, "req-2"));

        Assert.Equal("SUCCESS", deleted.Status);
        Assert.Empty(_api.Models);
        Assert.Equal(1, _api.JobCount);
        Assert.True(_api.Now - start >= _api.JobDuration, $"the delete ended at {_api.Now - start}, before the job");
        Assert.Contains($"Deleted imported model {created.PhysicalResourceId}.", _log.ToString());
    }

    [Fact]
    public async Task Create_JobOutlivesCreateAndDeleteTimeouts_RetriedDeleteDeletesItsModel()
    {
        _api.JobDuration = TimeSpan.FromMinutes(150);
        var created = await _framework.SendAsync(CreateRequest("req-1"));

        // The delete times out too: CloudFormation keeps the resource (ROLLBACK_FAILED) and deletes it again later.
        var firstDelete = await _framework.SendAsync(DeleteRequest(created.PhysicalResourceId, "req-2"));
        Assert.Equal(("FAILED", "Operation timed out", created.PhysicalResourceId), (firstDelete.Status, firstDelete.Reason, firstDelete.PhysicalResourceId));
        Assert.Empty(_api.Models);

        var retried = await _framework.SendAsync(DeleteRequest(created.PhysicalResourceId, "req-3"));

        Assert.Equal("SUCCESS", retried.Status);
        Assert.Empty(_api.Models);
        Assert.Equal(1, _api.JobCount);
    }

    [Fact]
    public async Task Create_JobOutlivesTheTimeout_RetriedCreateAdoptsTheRunningJob()
    {
        var created = await _framework.SendAsync(CreateRequest("req-1"));
        Assert.Equal("FAILED", created.Status);

        // A deployment without rollback keeps the failed resource; the next one creates it again, with a new request id.
        var retried = await _framework.SendAsync(CreateRequest("req-2"));

        Assert.Equal("SUCCESS", retried.Status);
        Assert.Equal(created.PhysicalResourceId, retried.PhysicalResourceId);
        var (name, arn) = Assert.Single(_api.Models);
        Assert.Equal(created.PhysicalResourceId, name);
        Assert.Equal(arn, (string)retried.Data!["ModelArn"]!);
        Assert.Equal(1, _api.JobCount);
        Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == "/model-import-jobs");
    }

    [Fact]
    public async Task Create_RetriedAfterTheJobCompleted_AdoptsItsModel()
    {
        var created = await _framework.SendAsync(CreateRequest("req-1"));
        _api.Now += TimeSpan.FromHours(2);

        var retried = await _framework.SendAsync(CreateRequest("req-2"));

        Assert.Equal("SUCCESS", retried.Status);
        Assert.Equal(created.PhysicalResourceId, retried.PhysicalResourceId);
        Assert.Equal(_api.Models[created.PhysicalResourceId], (string)retried.Data!["ModelArn"]!);
        Assert.Single(_api.Models);
        Assert.Equal(1, _api.JobCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Update_ReplacementOutlivesTheTimeout_RollbackKeepsTheOldModelAndDeletesTheNewOne(bool rollbackCarriesTheNewId)
    {
        _api.JobDuration = TimeSpan.FromMinutes(10);
        var createRequest = CreateRequest("req-1");
        var created = await _framework.SendAsync(createRequest);
        Assert.Equal("SUCCESS", created.Status);
        var oldModelArn = _api.Models[created.PhysicalResourceId];

        _api.JobDuration = TimeSpan.FromMinutes(90);
        var replacing = CreateRequest("req-2", "s3://weights-bucket/models/gpt-oss-20b-v2/");
        var updated = await _framework.SendAsync(UpdateRequest("req-2", created.PhysicalResourceId, createRequest, replacing));
        Assert.Equal(("FAILED", "Operation timed out"), (updated.Status, updated.Reason));
        Assert.NotEqual(created.PhysicalResourceId, updated.PhysicalResourceId);
        Assert.Equal(2, _api.JobCount);

        // The rollback: an update back to the old properties (for the id CloudFormation recorded), then the delete of the new id.
        var recorded = rollbackCarriesTheNewId ? updated.PhysicalResourceId : created.PhysicalResourceId;
        var rolledBack = await _framework.SendAsync(UpdateRequest("req-3", recorded, replacing, createRequest));
        Assert.Equal(("SUCCESS", created.PhysicalResourceId), (rolledBack.Status, rolledBack.PhysicalResourceId));
        Assert.Equal(oldModelArn, (string)rolledBack.Data!["ModelArn"]!);
        var cleanedUp = await _framework.SendAsync(DeleteRequest(updated.PhysicalResourceId, "req-4", replacing));

        Assert.Equal("SUCCESS", cleanedUp.Status);
        Assert.Equal([created.PhysicalResourceId], _api.Models.Keys);
        Assert.Equal(oldModelArn, _api.Models[created.PhysicalResourceId]);
        Assert.Equal(2, _api.JobCount);
    }

    [Fact]
    public async Task Update_BackToContentWhoseModelWasDeleted_ImportsAnewUnderTheSameName()
    {
        _api.JobDuration = TimeSpan.FromMinutes(10);
        var first = CreateRequest("req-1");
        var created = await _framework.SendAsync(first);
        var second = CreateRequest("req-2", "s3://weights-bucket/models/gpt-oss-20b-v2/");
        var replaced = await _framework.SendAsync(UpdateRequest("req-2", created.PhysicalResourceId, first, second));
        Assert.Equal("SUCCESS", (await _framework.SendAsync(DeleteRequest(created.PhysicalResourceId, "req-3", first))).Status);

        var back = await _framework.SendAsync(UpdateRequest("req-4", replaced.PhysicalResourceId, second, first));

        // The earlier job of that content is over and its model gone: a new job, with a job name of its own.
        Assert.Equal(("SUCCESS", created.PhysicalResourceId), (back.Status, back.PhysicalResourceId));
        Assert.Equal(3, _api.JobCount);
        Assert.Equal(_api.Models[created.PhysicalResourceId], (string)back.Data!["ModelArn"]!);
        Assert.Equal(2, _api.Models.Count);
    }

    [Fact]
    public async Task Create_RunningJobOnALaterPageAmongOthersOfTheSameKey_IsFoundAndAdopted()
    {
        _api.MaxPageSize = 1;
        var created = await _framework.SendAsync(CreateRequest("req-1"));
        var key = ImportNames.KeyOf(created.PhysicalResourceId)!;
        // Newer jobs whose names contain the same key but import other models: listed first, newest first.
        var bedrock = new BedrockClient(new SignedHttpClient(
            _http, _api.BaseUri, "bedrock", Amazon.RegionEndpoint.USEast1, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"), new RetryPolicy()));
        for (var i = 0; i < 3; i++)
        {
            await bedrock.CreateModelImportJobAsync($"other-{key}-{i}", $"other-{i}", RoleArn, S3Uri, $"other{i}", default);
        }

        var retried = await _framework.SendAsync(CreateRequest("req-2"));

        Assert.Equal(("SUCCESS", created.PhysicalResourceId), (retried.Status, retried.PhysicalResourceId));
        Assert.Equal(4, _api.JobCount);
        Assert.Contains(_api.Requests, r => r.RawUrl.Contains("nextToken=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_RetainOnDeleteWhileTheJobRuns_KeepsTheModelItCreates()
    {
        var created = await _framework.SendAsync(CreateRequest("req-1"));
        var delete = DeleteRequest(created.PhysicalResourceId, "req-2");
        delete["ResourceProperties"]!["RetainOnDelete"] = "true";

        var deleted = await _framework.SendAsync(delete);
        _api.Now += TimeSpan.FromHours(1);

        Assert.Equal("SUCCESS", deleted.Status);
        Assert.True(_api.Models.ContainsKey(created.PhysicalResourceId));
        Assert.DoesNotContain(_api.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public void ImportedModelName_FollowsStackResourceAndContent_NotTheRequest()
    {
        static string Name(JsonObject request) => ImportNames.ImportedModelName("m", ImportNames.ContentKey(request, request["ResourceProperties"]!.AsObject()));
        var name = Name(CreateRequest("req-1"));

        Assert.Equal(name, Name(CreateRequest("req-2")));
        Assert.NotEqual(name, Name(CreateRequest("req-1", "s3://weights-bucket/models/other/")));
        var newFingerprint = CreateRequest("req-1");
        newFingerprint["ResourceProperties"]!["WeightsFingerprint"] = new string('b', 64);
        Assert.NotEqual(name, Name(newFingerprint));
        var otherResource = CreateRequest("req-1");
        otherResource["LogicalResourceId"] = "OtherImport";
        Assert.NotEqual(name, Name(otherResource));
        var newRole = CreateRequest("req-2");
        newRole["ResourceProperties"]!["RoleArn"] = "arn:aws:iam::123456789012:role/Other";
        Assert.Equal(name, Name(newRole));
        Assert.Equal(name[^8..], ImportNames.KeyOf(name));
    }

    [Fact]
    public void JobName_LongestModelNameWithUnderscores_FitsBedrocksJobNameRule()
    {
        var modelName = string.Concat(Enumerable.Repeat("a_", 27));
        Assert.Equal(ImportNames.MaxModelNameLength, modelName.Length);

        var jobName = ImportNames.JobName(modelName, "0123abcd", new string('f', 64));

        // botocore's bedrock model, shape JobName: 1-63 characters of this pattern.
        Assert.Matches(@"^[a-zA-Z0-9](-*[a-zA-Z0-9\+\-\.])*$", jobName);
        Assert.Equal(63, jobName.Length);
        Assert.EndsWith("-0123abcd-ffffffff", jobName);
    }
}
