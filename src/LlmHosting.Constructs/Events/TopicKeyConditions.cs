namespace LlmHosting.Constructs.Events;

/// <summary>
/// Optional conditions on the statements that let EventBridge and CloudWatch use the operations topic's key. A condition
/// that the KMS request does not carry makes KMS deny it, and then every notification is dropped without an error anyone
/// sees: so each is off by default and documented by what is and is not known. Turn one on in a test environment first
/// and check that an alarm (<c>aws cloudwatch set-alarm-state</c>) and an event still arrive.
/// </summary>
public sealed class TopicKeyConditions
{
    /// <summary>
    /// Require SNS's encryption context to name a topic of this account and region
    /// (<c>kms:EncryptionContext:aws:sns:topicArn</c>, ArnLike <c>arn:&lt;partition&gt;:sns:&lt;region&gt;:&lt;account&gt;:*</c>;
    /// the topic's own ARN cannot appear in its key's policy, the topic refers to the key). Used in the SNS developer
    /// guide's example for event sources and encrypted topics, but not confirmed here for EventBridge and CloudWatch
    /// deliveries: UNCONFIRMED. Default: false.
    /// </summary>
    public bool? RequireTopicEncryptionContext { get; init; }

    /// <summary>
    /// Require, in CloudWatch's statement only, <c>aws:SourceAccount</c> (this account) and <c>aws:SourceArn</c> (this
    /// account's alarms), as the topic policy does. The SNS developer guide says that aws:SourceAccount and aws:SourceArn
    /// are not supported in a key policy for EventBridge to encrypted topics, so EventBridge's statement never gets them;
    /// whether CloudWatch alarm actions carry them to KMS is UNCONFIRMED. Default: false.
    /// </summary>
    public bool? RequireCloudWatchSource { get; init; }
}
