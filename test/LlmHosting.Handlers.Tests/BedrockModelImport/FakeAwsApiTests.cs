using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>
/// The fake checked against an independent client: botocore's bedrock client (its own service model, request
/// serializer and response parser) calls the fake. A path, query parameter or member name of the fake that differs
/// from the real API fails here, so the handler's tests against the fake mean something.
/// </summary>
public sealed class FakeAwsApiTests
{
    private const string Botocore = """
        import json, sys
        import boto3
        from botocore.config import Config
        endpoint = sys.stdin.read().strip()
        bedrock = boto3.client("bedrock", region_name="us-east-1", endpoint_url=endpoint,
                               aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                               config=Config(retries={"max_attempts": 1}))
        for i in range(3):
            bedrock.create_model_import_job(jobName=f"gpt-0badcafe-{i}", importedModelName=f"gpt_{i}",
                roleArn="arn:aws:iam::123456789012:role/r",
                modelDataSource={"s3DataSource": {"s3Uri": "s3://b/p/"}}, clientRequestToken=f"token{i}")
        pages = bedrock.get_paginator("list_model_import_jobs").paginate(
            nameContains="0badcafe", statusEquals="InProgress", sortBy="CreationTime", sortOrder="Descending",
            PaginationConfig={"PageSize": 2})
        summaries = [s for page in pages for s in page["modelImportJobSummaries"]]
        job = bedrock.get_model_import_job(jobIdentifier="gpt-0badcafe-1")
        print(json.dumps({
            "summaries": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in s.items()} for s in summaries],
            "job": {"jobName": job["jobName"], "status": job["status"], "importedModelName": job["importedModelName"],
                    "creationTime": job["creationTime"].isoformat()},
        }))
        """;

    [Fact]
    public async Task ListAndGetByName_CalledByBotocore_AnswerAsTheServiceModelSays()
    {
        await using var api = await FakeAwsApi.StartAsync();
        api.PollsBeforeEnd = int.MaxValue;

        var answer = JsonNode.Parse(Python.Run(Botocore, api.BaseUri.ToString()))!;

        var summaries = answer["summaries"]!.AsArray();
        Assert.Equal(["gpt-0badcafe-2", "gpt-0badcafe-1", "gpt-0badcafe-0"], summaries.Select(s => (string)s!["jobName"]!));
        Assert.All(summaries, s =>
        {
            Assert.Equal("InProgress", (string)s!["status"]!);
            Assert.StartsWith("arn:aws:bedrock:us-east-1:123456789012:model-import-job/", (string)s["jobArn"]!);
            Assert.Equal("2026-01-01T00:00:00+00:00", (string)s["creationTime"]!);
        });
        Assert.Equal(["gpt_2", "gpt_1", "gpt_0"], summaries.Select(s => (string)s!["importedModelName"]!));
        // Two pages of at most two: botocore followed the fake's nextToken.
        Assert.Equal(2, api.Requests.Count(r => r.Method == "GET" && r.Path == "/model-import-jobs"));
        Assert.Equal("gpt-0badcafe-1", (string)answer["job"]!["jobName"]!);
        Assert.Equal("gpt_1", (string)answer["job"]!["importedModelName"]!);
    }

    [Fact]
    public async Task ListModelImportJobs_MorePagesThanTheLimit_FailsNamingTheFilter()
    {
        await using var api = await FakeAwsApi.StartAsync();
        api.MaxPageSize = 1;
        using var http = new HttpClient();
        var bedrock = new BedrockClient(new SignedHttpClient(
            http, api.BaseUri, "bedrock", Amazon.RegionEndpoint.USEast1, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"), new RetryPolicy()));
        for (var i = 0; i <= BedrockClient.MaxListPages; i++)
        {
            await bedrock.CreateModelImportJobAsync($"job-0badcafe-{i}", $"model-{i}", "arn:aws:iam::123456789012:role/r", "s3://b/p/", $"token{i}", default);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bedrock.ListModelImportJobsAsync("0badcafe", "InProgress", default));

        Assert.Contains($"names containing '0badcafe' still had more results after {BedrockClient.MaxListPages} pages", error.Message);
        Assert.Equal(BedrockClient.MaxListPages, api.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task List_StatusOutsideTheEnum_IsRejected()
    {
        // Guards the fake itself: a client that sends a wrong value must not get an answer that looks right.
        await using var api = await FakeAwsApi.StartAsync();
        using var http = new HttpClient();
        var bedrock = new BedrockClient(new SignedHttpClient(
            http, api.BaseUri, "bedrock", Amazon.RegionEndpoint.USEast1, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"), new RetryPolicy()));

        var error = await Assert.ThrowsAsync<AwsApiException>(() => bedrock.ListModelImportJobsAsync("x", "Running", default));

        Assert.Equal(400, (int)error.StatusCode);
        Assert.Contains("statusEquals 'Running'", error.Message);
    }
}
