using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Lambda.WeightsGate.Tests;

/// <summary>
/// A loopback S3 that answers every request with one error, in S3's XML error format (S3 API reference, "Error
/// responses"): the failures moto_server does not produce (access denied by a policy, throttling).
/// </summary>
internal sealed class FakeS3Errors : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeS3Errors(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public int Requests => _requests;

    public static async Task<FakeS3Errors> StartAsync(int status, string code)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeS3Errors(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref fake._requests);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code} from the fake</Message><RequestId>1</RequestId></Error>");
        });
        await app.StartAsync();
        fake.Endpoint = app.Urls.Single();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
