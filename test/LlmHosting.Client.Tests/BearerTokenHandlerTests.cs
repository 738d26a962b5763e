using System.Net;

namespace LlmHosting.Client.Tests;

public sealed class BearerTokenHandlerTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SendAsync_EveryRequest_CarriesAValidTokenAndReplacesAnyAuthorization()
    {
        var (client, recorder, clock, _) = Create(TimeSpan.FromHours(1));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.test/");
        request.Headers.Authorization = new("Bearer", "stale");

        await client.SendAsync(request);

        var sent = Assert.Single(recorder.Tokens);
        Assert.StartsWith("sagemaker-api-key-", sent);
        Assert.Equal("20260501T080000Z", BearerTokenGeneratorTests.Decode(sent, "sagemaker-api-key-")["X-Amz-Date"]);
    }

    [Fact]
    public async Task SendAsync_TokenHasPlentyOfLife_ReusesIt()
    {
        var (client, recorder, clock, credentials) = Create(TimeSpan.FromHours(1));

        await client.GetAsync("https://example.test/a");
        clock.Advance(TimeSpan.FromMinutes(54));
        await client.GetAsync("https://example.test/b");

        Assert.Equal(2, recorder.Tokens.Count);
        Assert.Equal(recorder.Tokens[0], recorder.Tokens[1]);
        Assert.Equal(1, credentials.Calls);
    }

    [Fact]
    public async Task SendAsync_TokenRunsLow_SignsANewOneBeforeItExpires()
    {
        var (client, recorder, clock, _) = Create(TimeSpan.FromHours(1));

        await client.GetAsync("https://example.test/a");
        clock.Advance(TimeSpan.FromMinutes(55) + TimeSpan.FromSeconds(1));
        await client.GetAsync("https://example.test/b");
        clock.Advance(TimeSpan.FromHours(30));
        await client.GetAsync("https://example.test/c");

        Assert.Equal(3, recorder.Tokens.Distinct().Count());
        Assert.Equal("20260501T085501Z", BearerTokenGeneratorTests.Decode(recorder.Tokens[1], "sagemaker-api-key-")["X-Amz-Date"]);
        Assert.Equal("20260502T145501Z", BearerTokenGeneratorTests.Decode(recorder.Tokens[2], "sagemaker-api-key-")["X-Amz-Date"]);
    }

    [Fact]
    public async Task SendAsync_ShortTokens_RenewedAfterHalfTheirLife()
    {
        var (client, recorder, clock, _) = Create(TimeSpan.FromSeconds(10));

        await client.GetAsync("https://example.test/a");
        clock.Advance(TimeSpan.FromSeconds(4));
        await client.GetAsync("https://example.test/b");
        clock.Advance(TimeSpan.FromSeconds(2));
        await client.GetAsync("https://example.test/c");

        Assert.Equal(recorder.Tokens[0], recorder.Tokens[1]);
        Assert.NotEqual(recorder.Tokens[1], recorder.Tokens[2]);
    }

    [Fact]
    public async Task SendAsync_ConcurrentRequests_SignOnceAndShareTheToken()
    {
        var (client, recorder, _, credentials) = Create(TimeSpan.FromHours(1));

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => client.GetAsync($"https://example.test/{i}"))));

        Assert.Equal(16, recorder.Tokens.Count);
        Assert.Single(recorder.Tokens.Distinct());
        Assert.Equal(1, credentials.Calls);
    }

    private static (HttpClient Client, RecordingHandler Recorder, ManualClock Clock, TestCredentials Credentials) Create(TimeSpan expiry)
    {
        var clock = new ManualClock(Start);
        var credentials = new TestCredentials();
        var recorder = new RecordingHandler();
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "us-east-1",
            Expiry = expiry,
            Credentials = credentials,
            TimeProvider = clock,
        });
        return (new HttpClient(new BearerTokenHandler(generator, recorder)), recorder, clock, credentials);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<string> Tokens { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
            lock (Tokens)
            {
                Tokens.Add(request.Headers.Authorization!.Parameter!);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
