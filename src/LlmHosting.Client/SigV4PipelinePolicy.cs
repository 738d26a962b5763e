using System.ClientModel.Primitives;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;

namespace LlmHosting.Client;

/// <summary>
/// Signs every attempt of a System.ClientModel pipeline with AWS Signature Version 4 (AWSSDK.Core's signer),
/// replacing the Authorization header the OpenAI SDK set from its API key. Each attempt is signed anew because the
/// signature covers the time; the payload hash is sent as <c>X-Amz-Content-SHA256</c>.
/// </summary>
internal sealed class SigV4PipelinePolicy(string service, string region, AWSCredentials? credentials, TimeProvider clock) : PipelinePolicy
{
    private AWSCredentials? _resolved = credentials;

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        // Synchronous OpenAI calls end up here; signing is local, only a first credential lookup may wait on I/O.
        SignAsync(message).AsTask().GetAwaiter().GetResult();
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await SignAsync(message).ConfigureAwait(false);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }

    private async ValueTask SignAsync(PipelineMessage message)
    {
        var source = _resolved ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (source.Expiration is { } expiration && expiration.ToUniversalTime() <= now.UtcDateTime)
        {
            throw new CredentialsExpiredException(new DateTimeOffset(DateTime.SpecifyKind(expiration.ToUniversalTime(), DateTimeKind.Utc)));
        }

        var request = message.Request;
        var body = Array.Empty<byte>();
        if (request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            await content.WriteToAsync(buffer, message.CancellationToken).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        var signing = new AWSSigningRequest { HttpMethod = new HttpMethod(request.Method), RequestUri = request.Uri, Content = body };
        if (request.Headers.TryGetValue("Content-Type", out var contentType) && contentType is not null)
        {
            signing.Headers["Content-Type"] = contentType;
        }

        var signed = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters
            {
                Credentials = source,
                Region = RegionEndpoint.GetBySystemName(region),
                Service = service,
                SignPayload = true,
                SignedAt = now.UtcDateTime,
            },
            message.CancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in signed.Headers)
        {
            request.Headers.Set(name, value);
        }
    }
}
