using System.ClientModel.Primitives;

namespace LlmHosting.Client;

/// <summary>
/// Puts a valid bearer token on every attempt of a System.ClientModel pipeline (the OpenAI SDK's), replacing the
/// Authorization header the SDK set from its API key.
/// </summary>
internal sealed class BearerTokenPipelinePolicy(BearerTokenCache tokens) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        // Synchronous OpenAI calls end up here; signing is local, only a first credential lookup may wait on I/O.
        var token = tokens.GetAsync(message.CancellationToken).ConfigureAwait(false).GetAwaiter().GetResult();
        message.Request.Headers.Set("Authorization", "Bearer " + token.Value);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        var token = await tokens.GetAsync(message.CancellationToken).ConfigureAwait(false);
        message.Request.Headers.Set("Authorization", "Bearer " + token.Value);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }
}
