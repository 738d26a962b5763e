using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Constructs;
using LlmHosting.Constructs.Logs;

namespace LlmHosting.Constructs.Handlers;

/// <summary>
/// The .NET handler functions of <c>lambda/Handlers</c>, made one way: each writes to a log group declared beside it
/// (retention from <see cref="LogGroupOptions"/>), and its role holds no AWS managed policy, only
/// <c>logs:CreateLogStream</c> and <c>logs:PutLogEvents</c> on that group (what <c>AWSLambdaBasicExecutionRole</c>
/// grants on every log group, <c>logs:CreateLogGroup</c> included).
/// </summary>
internal static class HandlerFunctions
{
    /// <summary>A role that Lambda assumes, with no permission yet.</summary>
    internal static Role NewRole(Construct scope, string id, string description) => new(scope, id, new RoleProps
    {
        Description = description,
        AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
    });

    /// <summary>Creates the function <paramref name="id"/> and its log group <c>&lt;id&gt;Logs</c>.</summary>
    internal static Function Create(
        Construct scope, string id, string handler, Code code, IRole role, Duration timeout, string description, LogGroupOptions? logs)
    {
        var logGroup = DeclaredLogGroups.Create(scope, id + "Logs", null, LogGroupOptions.Resolve(scope, logs));
        logGroup.GrantWrite(role);
        return new Function(scope, id, new FunctionProps
        {
            Runtime = HandlerCode.Runtime,
            Handler = handler,
            Code = code,
            Role = role,
            Architecture = Architecture.ARM_64,
            MemorySize = 512,
            Timeout = timeout,
            Description = description,
            LogGroup = logGroup,
        });
    }
}
