namespace LlmHosting.Cli.Tests.Bench;

/// <summary>
/// <c>llmhost bench --model &lt;name&gt;</c> with a model directory: the requests go through the client library's door
/// and credential for each kind, checked by the chat tests' fake (it refuses a wrong token or signature).
/// </summary>
public sealed class BenchDirectoryTests : IAsyncLifetime, IDisposable
{
    private const string Region = "us-west-2";
    private readonly BenchCli _cli = new();
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync(Region);
        _cli.Workspace.Write("directory.json", FakeDirectory.Json(_server, Region));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("gpt-oss-20b-endpoint", "/endpoints/ok/openai/v1/chat/completions", "sagemaker", "bearer", true)]
    [InlineData("qwen3-4b", "/endpoints/ok/inference-components/llm-dev-shared-qwen3-4b/openai/v1/chat/completions", "sagemaker", "bearer", true)]
    [InlineData("gpt-oss-120b", "/openai/v1/chat/completions", "bedrock", "bearer", false)]
    [InlineData("gpt-oss-20b-imported", "/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A111111111111%3Aimported-model%2Fabc123def456/invoke-with-response-stream", "bedrock", "sigv4", false)]
    public async Task Bench_ModelOfEachKind_StreamsEveryRequestWithTheRightCredential(string name, string target, string service, string scheme, bool ignoreEos)
    {
        var (code, output, error) = await _cli.RunAsync("--directory", "directory.json", "--model", name,
            "--concurrency", "1,2", "--requests", "2", "--output-tokens", "64", "--prompt-tokens", "20-30", "--reasoning-effort", "low");

        Assert.True(code == 0, error + output);
        Assert.Empty(_server.Rejections);
        Assert.Equal(1 + 2 + 2, _server.Requests.Count);
        Assert.All(_server.Requests, seen =>
        {
            Assert.Equal((target, service, scheme, Region), (seen.RawTarget, seen.Service, seen.Scheme, seen.TokenRegion));
            Assert.True(seen.Body!["stream"]!.GetValue<bool>());
            Assert.True(seen.Body["stream_options"]!["include_usage"]!.GetValue<bool>());
            Assert.Equal(64, seen.Body["max_completion_tokens"]!.GetValue<int>());
            Assert.Equal("low", seen.Body["reasoning_effort"]!.GetValue<string>());
            Assert.Equal(ignoreEos, seen.Body["ignore_eos"]?.GetValue<bool>() ?? false);
            var words = seen.Body["messages"]![0]!["content"]!.ToString().Split("\n\n")[0].Split(' ').Length;
            Assert.InRange(words, 20, 30);
        });
        Assert.Equal(5, _server.Requests.Select(r => r.Body!["messages"]![0]!["content"]!.ToString()).Distinct().Count());
        Assert.Equal(["1", "2"], BenchCli.Rows(output).Keys);
        Assert.StartsWith($"## llmhost bench: {name}", output);
    }

    [Theory]
    [InlineData("gpt-oss-20b-endpoint", "false", false)]
    [InlineData("gpt-oss-120b", "true", true)]
    public async Task Bench_IgnoreEosGiven_OverridesTheDefaultOfTheKind(string name, string value, bool sent)
    {
        var (code, _, error) = await _cli.RunAsync("--directory", "directory.json", "--model", name, "--concurrency", "1", "--requests", "1", "--warmup", "0", "--ignore-eos", value);

        Assert.True(code == 0, error);
        var body = Assert.Single(_server.Requests).Body!;
        Assert.Equal(sent, body["ignore_eos"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public async Task Bench_UnknownModel_ListsTheDirectorysNames()
    {
        var (code, _, error) = await _cli.RunAsync("--directory", "directory.json", "--model", "gpt-oss-12b");

        Assert.Equal(2, code);
        Assert.StartsWith("error: No model named 'gpt-oss-12b'", error);
        Assert.Empty(_server.Requests);
    }
}
