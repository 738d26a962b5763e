using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmHosting.Lambda.BedrockModelImport;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>A failed call or a request the handler cannot serve; the message is one line that names the problem.</summary>
internal sealed class EndpointScalingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One AWS service over the JSON 1.1 protocol (POST /, <c>X-Amz-Target: &lt;prefix&gt;.&lt;operation&gt;</c>), signed by
/// the shared <see cref="SignedHttpClient"/> (which retries throttling and 5XX). Turns every error answer into one line
/// that says what to do: the missing permission for a denial, the attempts for throttling, the service's own message
/// for a validation error. Protocol facts from botocore's service models (metadata <c>targetPrefix</c>,
/// <c>jsonVersion</c> 1.1, <c>signingName</c>).
/// </summary>
internal sealed partial class AwsJsonApi(SignedHttpClient http, string serviceName, string targetPrefix, string iamPrefix, RetryPolicy retry)
{
    /// <summary>Calls <paramref name="operation"/>; returns null when <paramref name="isAbsent"/> says the error means "not there".</summary>
    public async Task<JsonObject?> CallAsync(string operation, JsonObject body, CancellationToken cancellationToken, Func<AwsApiException, bool>? isAbsent = null)
    {
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = $"{targetPrefix}.{operation}" };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (_, response) = await http.SendAsync(
                    operation, HttpMethod.Post, "", body, cancellationToken, headers, "application/x-amz-json-1.1").ConfigureAwait(false);
                return response as JsonObject ?? [];
            }
            catch (AwsApiException e) when (isAbsent?.Invoke(e) == true)
            {
                return null;
            }
            catch (AwsApiException e) when (e.ErrorType == "ConcurrentUpdateException" && attempt < retry.MaxAttempts)
            {
                // Application Auto Scaling answers this while another change of the same target is pending; it clears by itself.
                await retry.Delay(retry.DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (AwsApiException e)
            {
                throw new EndpointScalingException(Describe(operation, e), e);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new EndpointScalingException(
                    $"{serviceName} {operation} could not be reached after {retry.MaxAttempts} attempts ({e.GetType().Name}: {OneLine(e.Message)}); deploy again.", e);
            }
        }
    }

    private string Describe(string operation, AwsApiException e)
    {
        var said = OneLine($"{e.ErrorType ?? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {e.ErrorMessage}");
        // A 403 of another type (InvalidSignatureException, ExpiredTokenException, ...) is no missing permission: shown as it is.
        if (e.ErrorType is "AccessDeniedException" or "AccessDenied" or "UnauthorizedOperation" || (e.StatusCode == HttpStatusCode.Forbidden && e.ErrorType is null))
        {
            // Services name the denied action in their message ("... is not authorized to perform: iam:CreateServiceLinkedRole ...");
            // Application Auto Scaling checks the caller's SageMaker and IAM permissions too, so that action may not be the operation's own.
            var action = DeniedAction().Match(e.ErrorMessage ?? "") is { Success: true } m ? m.Groups[1].Value : $"{iamPrefix}:{operation}";
            return $"{serviceName} denied {operation}: the handler's role needs {action} ({said}).";
        }

        if (e.ErrorType == "ConcurrentUpdateException" || RetryPolicy.IsRetryable((int)e.StatusCode, e.ErrorType))
        {
            return $"{serviceName} {operation} still failed after {retry.MaxAttempts} attempts ({said}); deploy again in a few minutes.";
        }

        return e.ErrorType == "ValidationException"
            ? $"{serviceName} rejected {operation}: {OneLine(e.ErrorMessage ?? "no message")}"
            : $"{serviceName} {operation} failed: {(int)e.StatusCode} {said}";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    [GeneratedRegex(@"perform: ([a-z0-9-]+:[A-Za-z0-9*]+)")]
    private static partial Regex DeniedAction();
}
