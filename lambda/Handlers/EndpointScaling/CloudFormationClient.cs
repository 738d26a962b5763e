using System.Net;
using System.Text;
using System.Xml.Linq;
using LlmHosting.Lambda.BedrockModelImport;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>
/// The one CloudFormation read the handler needs: the status of the stack a request comes from, to tell a rollback
/// from a forward update (a custom resource request carries no such flag; CloudFormation user guide, custom resource
/// request objects). Query protocol, as botocore's <c>cloudformation/2010-05-15</c> model states (protocol
/// <c>query</c>, xmlNamespace <c>http://cloudformation.amazonaws.com/doc/2010-05-15/</c>): a form-encoded POST and an XML
/// answer, <c>DescribeStacksResult/Stacks/member/StackStatus</c>.
/// </summary>
internal sealed class CloudFormationClient(SignedHttpClient http)
{
    private static readonly XNamespace Namespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    /// <summary>The status of the stack <paramref name="stackId"/> (its ARN, as a request's <c>StackId</c> gives it).</summary>
    public async Task<string> StackStatusAsync(string stackId, CancellationToken cancellationToken)
    {
        var form = $"Action=DescribeStacks&StackName={Uri.EscapeDataString(stackId)}&Version=2010-05-15";
        string text;
        try
        {
            (_, text) = await http.SendTextAsync(
                "DescribeStacks", HttpMethod.Post, "", Encoding.UTF8.GetBytes(form), cancellationToken, null, "application/x-www-form-urlencoded; charset=utf-8").ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            var said = $"{e.ErrorType ?? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {e.ErrorMessage}";
            throw new EndpointScalingException(e.StatusCode == HttpStatusCode.Forbidden || e.ErrorType is "AccessDenied" or "AccessDeniedException"
                ? $"CloudFormation denied DescribeStacks: the handler's role needs cloudformation:DescribeStacks on {stackId} ({said})."
                : $"CloudFormation DescribeStacks of {stackId} failed: {(int)e.StatusCode} {said}", e);
        }

        return XDocument.Parse(text).Descendants(Namespace + "StackStatus").Select(s => s.Value).FirstOrDefault()
            ?? throw new EndpointScalingException($"CloudFormation described {stackId} without a StackStatus.");
    }
}
