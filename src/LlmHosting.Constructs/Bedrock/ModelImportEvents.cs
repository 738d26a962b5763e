namespace LlmHosting.Constructs.Bedrock;

/// <summary>
/// The EventBridge events that the model import handler puts on the default bus, because Bedrock emits none
/// for import jobs. One event per job outcome:
/// <code>
/// {
///   "source": "llmhosting.bedrock-model-import",
///   "detail-type": "Bedrock Model Import Job State Change",
///   "resources": ["&lt;job ARN&gt;"],
///   "detail": {
///     "status": "Completed" | "Failed",
///     "jobArn": "...", "jobName": "...",
///     "importedModelName": "...", "importedModelArn": "..." (absent on failure),
///     "failureMessage": "..." (absent on success),
///     "stackId": "...", "logicalResourceId": "..."
///   }
/// }
/// </code>
/// </summary>
public static class ModelImportEvents
{
    /// <summary>The <c>source</c> of every model import event.</summary>
    public const string Source = "llmhosting.bedrock-model-import";

    /// <summary>The <c>detail-type</c> of every model import event.</summary>
    public const string DetailType = "Bedrock Model Import Job State Change";

    /// <summary><c>detail.status</c> of a job that produced an imported model.</summary>
    public const string StatusCompleted = "Completed";

    /// <summary><c>detail.status</c> of a job that failed; <c>detail.failureMessage</c> says why.</summary>
    public const string StatusFailed = "Failed";
}
