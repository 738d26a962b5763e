using Amazon;
using BasicAWSCredentials = Amazon.Runtime.BasicAWSCredentials;
using LlmHosting.Lambda.BedrockModelImport;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>The handler as the entry point builds it, pointed at a fake, with retries that record their delays instead of sleeping.</summary>
internal static class ScalingHandlers
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static EndpointScalingResource Create(FakeScalingApi api, TextWriter log, List<TimeSpan>? delays = null)
    {
        var retry = new RetryPolicy
        {
            Delay = (delay, _) =>
            {
                delays?.Add(delay);
                return Task.CompletedTask;
            },
        };
        return Handler.Connect(Http, new Handler.ServiceUris(api.BaseUri, api.BaseUri, api.BaseUri), RegionEndpoint.USEast1, new BasicAWSCredentials("AKIDEXAMPLE", "secret"), retry, log);
    }
}
