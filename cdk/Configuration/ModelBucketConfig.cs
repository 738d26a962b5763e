namespace LlmHosting.App.Configuration;

/// <summary>Settings of an environment's model bucket.</summary>
public sealed record ModelBucketConfig
{
    /// <summary>
    /// <c>retain</c> keeps the bucket and its weights when the stack is deleted; <c>destroy</c> empties and
    /// deletes it (for short-lived dev environments). Default: <c>retain</c>.
    /// </summary>
    public string RemovalPolicy { get; init; } = "retain";

    /// <summary>Write S3 server access logs to a separate log bucket. Default: false.</summary>
    public bool AccessLogs { get; init; }

    /// <summary>True when <see cref="RemovalPolicy"/> is <c>destroy</c>.</summary>
    public bool Destroy => RemovalPolicy == "destroy";

    internal void Validate(ICollection<string> problems)
    {
        if (RemovalPolicy is not ("retain" or "destroy"))
        {
            problems.Add($"modelBucket.removalPolicy '{RemovalPolicy}' must be 'retain' or 'destroy'");
        }
    }
}
