using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>
/// Sends JSON requests to one AWS service, signed with AWSSDK.Core's SigV4 signer (signed anew for every
/// attempt, because the signature covers the time), retrying throttling and server errors per
/// <see cref="RetryPolicy"/>.
/// </summary>
internal sealed class SignedHttpClient(HttpClient http, Uri baseUri, string signingService, RegionEndpoint region, AWSCredentials credentials, RetryPolicy retry)
{
    public Uri BaseUri { get; } = baseUri;

    /// <summary>Sends a request and returns the status and the parsed JSON body (null when empty).</summary>
    /// <param name="operation">Name of the API operation, for messages.</param>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Path and query, relative to the base URI, already escaped.</param>
    /// <param name="body">JSON body, or null.</param>
    /// <param name="headers">Extra headers to sign and send (for example <c>X-Amz-Target</c>).</param>
    /// <param name="contentType">Content type of the body.</param>
    /// <param name="cancellationToken">Cancels the call and its retries.</param>
    /// <param name="accept">Status codes, besides 2XX, that are answers rather than errors (for example 404).</param>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(
        string operation,
        HttpMethod method,
        string path,
        JsonNode? body,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null,
        string contentType = "application/json",
        params HttpStatusCode[] accept)
    {
        var content = body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());
        var (status, text) = await SendTextAsync(operation, method, path, content, cancellationToken, headers, contentType, accept).ConfigureAwait(false);
        return (status, Parse(text));
    }

    /// <summary>
    /// Sends a request with any body (a query-protocol form, say) and returns the status and the body as text. Errors
    /// are read from JSON (<c>__type</c>, <c>message</c>) or from the query protocol's XML (<c>&lt;Code&gt;</c>,
    /// <c>&lt;Message&gt;</c>).
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> SendTextAsync(
        string operation,
        HttpMethod method,
        string path,
        byte[]? content,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null,
        string contentType = "application/json",
        params HttpStatusCode[] accept)
    {
        var uri = new Uri(BaseUri, path);
        for (var attempt = 1; ; attempt++)
        {
            HttpStatusCode status;
            string text;
            string? errorType;
            try
            {
                using var request = await SignAsync(method, uri, content, contentType, headers, cancellationToken).ConfigureAwait(false);
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                status = response.StatusCode;
                text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                errorType = ErrorType(response, text);
            }
            catch (Exception e) when (attempt < retry.MaxAttempts
                                      && (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested)))
            {
                // Connection failures and per-request timeouts (HttpClient.Timeout) are transient like a 5XX.
                await retry.Delay(retry.DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if ((int)status is >= 200 and < 300 || accept.Contains(status))
            {
                return (status, text);
            }

            if (RetryPolicy.IsRetryable((int)status, errorType) && attempt < retry.MaxAttempts)
            {
                await retry.Delay(retry.DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var node = Parse(text) as JsonObject;
            var message = (string?)node?["message"] ?? (string?)node?["Message"] ?? XmlElement(text, "Message");
            throw new AwsApiException(operation, status, errorType, message);
        }
    }

    private async Task<HttpRequestMessage> SignAsync(
        HttpMethod method, Uri uri, byte[]? content, string contentType, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var signing = new AWSSigningRequest { HttpMethod = method, RequestUri = uri, Content = content ?? [] };
        if (content is not null)
        {
            signing.Headers["Content-Type"] = contentType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            signing.Headers[name] = value;
        }

        var signed = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters { Credentials = credentials, Region = region, Service = signingService, SignPayload = true },
            cancellationToken).ConfigureAwait(false);

        var request = new HttpRequestMessage(method, uri);
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in signing.Headers.Concat(signed.Headers))
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    // AWS puts the error type in x-amzn-ErrorType ("ThrottlingException:http://..."), in a JSON body's __type, or in the
    // query protocol's <ErrorResponse><Error><Code>.
    private static string? ErrorType(HttpResponseMessage response, string body)
    {
        var header = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        var type = header ?? (string?)(Parse(body) as JsonObject)?["__type"] ?? XmlElement(body, "Code");
        return type?.Split(':')[0].Split('#')[^1];
    }

    // The text of the first <name> element of an XML error body, or null.
    private static string? XmlElement(string body, string name)
    {
        var start = body.IndexOf($"<{name}>", StringComparison.Ordinal);
        var end = start < 0 ? -1 : body.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return end < 0 ? null : WebUtility.HtmlDecode(body[(start + name.Length + 2)..end]);
    }

    private static JsonNode? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
