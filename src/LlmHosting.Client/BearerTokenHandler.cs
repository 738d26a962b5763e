using System.Net.Http.Headers;

namespace LlmHosting.Client;

/// <summary>
/// An HTTP message handler that puts a valid bearer token on every request (<c>Authorization: Bearer ...</c>),
/// replacing any Authorization header already there. Tokens are reused while they have plenty of life left and
/// renewed before they expire, so a long-running application never holds a stale one.
/// </summary>
/// <example>
/// <code>
/// var http = new HttpClient(new BearerTokenHandler(new BearerTokenGenerator()) { InnerHandler = new HttpClientHandler() });
/// </code>
/// </example>
public sealed class BearerTokenHandler : DelegatingHandler
{
    private readonly BearerTokenCache _tokens;

    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> unless an HttpClientFactory does.</summary>
    /// <param name="generator">Makes the tokens: service, region, expiry and credentials.</param>
    public BearerTokenHandler(BearerTokenGenerator generator)
    {
        _tokens = new BearerTokenCache(generator);
    }

    /// <summary>Creates the handler with the inner handler that sends the requests.</summary>
    /// <param name="generator">Makes the tokens: service, region, expiry and credentials.</param>
    /// <param name="innerHandler">Sends the requests, e.g. <see cref="SocketsHttpHandler"/>.</param>
    public BearerTokenHandler(BearerTokenGenerator generator, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _tokens = new BearerTokenCache(generator);
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
