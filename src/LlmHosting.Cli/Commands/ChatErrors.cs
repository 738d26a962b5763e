using System.ClientModel;
using System.Text.Json;
using Amazon.Runtime;
using LlmHosting.Client;

namespace LlmHosting.Cli.Commands;

/// <summary>One line per failure: what happened and the likely fix.</summary>
internal static class ChatErrors
{
    public static string ExpiredCredentials(DateTimeOffset expiredAt) =>
        $"The AWS credentials expired at {expiredAt:u}: refresh them (aws sso login, a new aws sts assume-role, or new AWS_* environment variables) and retry.";

    public static string MissingCredentials(AmazonClientException e) =>
        (e.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal)
            ? "No AWS credentials found in the environment, the shared config and credentials files, or container or instance metadata"
            : "Could not get AWS credentials (" + FirstSentence(e.Message) + ")")
        + ": set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login.";

    /// <summary>Explains a failed call, or returns null for failures that are not the endpoint's or the network's.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="baseUrl">The URL called.</param>
    /// <param name="region">The region the credential is for.</param>
    /// <param name="model">The model id sent.</param>
    /// <param name="timeout">The --timeout.</param>
    /// <param name="accessNeeded">What access denied means for this door; default: SageMaker's permissions.</param>
    public static string? Explain(Exception exception, Uri baseUrl, string region, string model, TimeSpan timeout, string? accessNeeded = null)
    {
        switch (exception)
        {
            case ModelStartingException starting:
                return $"{char.ToUpperInvariant(starting.Message[0])}{starting.Message[1..]}: a cold model needs 5-15 minutes; retry later, or raise --timeout.";
            case ModelStreamException stream:
                return $"{stream.Message.TrimEnd('.')}: the answer stopped part-way; retry.";
            case CredentialsExpiredException expired:
                return ExpiredCredentials(expired.ExpiredAt);
            case AmazonClientException missing:
                return MissingCredentials(missing);
            case ClientResultException { Status: > 0 } http:
                return ExplainStatus(http.Status, Body(http), baseUrl, region, model, accessNeeded);
            case OperationCanceledException or TimeoutException:
                return Timeout(timeout);
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is OperationCanceledException or TimeoutException)
            {
                return Timeout(timeout);
            }

            if (inner is HttpRequestException connection)
            {
                return $"Cannot reach {baseUrl.Host}: {FirstSentence(connection.Message)}. Check the base URL and region, the network, and any proxy (HTTPS_PROXY).";
            }
        }

        return null;
    }

    private static string ExplainStatus(int status, string body, Uri baseUrl, string region, string model, string? accessNeeded)
    {
        var detail = Detail(body);
        var quoted = detail.Length == 0 ? string.Empty : $" ({detail})";
        if (body.Contains("ExpiredToken", StringComparison.OrdinalIgnoreCase) || body.Contains("token has expired", StringComparison.OrdinalIgnoreCase)
            || body.Contains("is expired", StringComparison.OrdinalIgnoreCase))
        {
            return $"The bearer token or the credentials behind it have expired (HTTP {status}){quoted}: refresh the AWS credentials (aws sso login, new session credentials) and retry.";
        }

        if (body.Contains("Throttling", StringComparison.OrdinalIgnoreCase) || status == 429)
        {
            return $"Throttled (HTTP {status}){quoted}: too many requests for this endpoint or account; wait and retry, or add instances or inference component copies.";
        }

        return status switch
        {
            401 or 403 => $"Access denied (HTTP {status}){quoted}: " + (accessNeeded
                ?? $"the identity needs sagemaker:CallWithBearerToken (Resource \"*\") and sagemaker:InvokeEndpoint on the endpoint, and the endpoint must be in the account of the credentials and in {region} (--region)") + ".",
            404 when body.Contains("model", StringComparison.OrdinalIgnoreCase) && body.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
                => $"The server does not serve a model named '{model}' (HTTP 404){quoted}: pass --model with the served model name (SM_VLLM_SERVED_MODEL_NAME, else the model path such as /opt/ml/model).",
            // SageMaker's runtime reports an unknown endpoint as a 400 ValidationError "Endpoint ... not found".
            404 or 400 when status == 404 || body.Contains("not found", StringComparison.OrdinalIgnoreCase)
                => $"Not found (HTTP {status}) at {baseUrl}{quoted}: check the endpoint and inference component names, the region ({region}), and that the deployment finished (aws sagemaker describe-endpoint).",
            503 => $"The model is not ready (HTTP 503){quoted}: the endpoint may still be starting or scaling out from zero; retry in a few minutes.",
            _ => $"The endpoint answered HTTP {status}{quoted}.",
        };
    }

    private static string Timeout(TimeSpan timeout) =>
        $"No complete answer within {timeout.TotalSeconds:0} s: the model may still be loading or scaling out from zero, or the answer is long; retry, or raise --timeout.";

    private static string Body(ClientResultException exception)
    {
        try
        {
            return exception.GetRawResponse()?.Content?.ToString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    /// <summary>The server's own message (OpenAI <c>error.message</c>, AWS <c>message</c>/<c>Message</c>), shortened to one line.</summary>
    private static string Detail(string body)
    {
        var text = body;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message))
                {
                    text = message.ToString();
                }
                else if (root.TryGetProperty("message", out message) || root.TryGetProperty("Message", out message))
                {
                    text = message.ToString();
                }
            }
        }
        catch (JsonException)
        {
        }

        text = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return text.Length <= 200 ? text : text[..197] + "...";
    }

    private static string FirstSentence(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.EndsWith('.') ? line[..^1] : line;
    }
}
