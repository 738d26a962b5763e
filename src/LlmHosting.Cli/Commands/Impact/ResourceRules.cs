using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>Which resources hold data or serve traffic, and what CloudFormation does with an old or removed resource.</summary>
internal static class ResourceRules
{
    /// <summary>The app's Bedrock Custom Model Import resource (lambda/BedrockModelImport).</summary>
    public const string BedrockModelImportType = "Custom::BedrockModelImport";

    /// <summary>
    /// Resources whose replacement or removal loses or orphans data. AWS::SNS::Topic is left out on purpose: a topic
    /// stores no messages, and its e-mail subscriptions are resources of their own (a replaced one is reported with
    /// the re-confirmation it needs). AWS::SQS::Queue is in: the operations dead-letter queue holds the
    /// notifications that could not be delivered.
    /// </summary>
    public static readonly IReadOnlySet<string> StatefulTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::S3::Bucket", BedrockModelImportType, "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::SQS::Queue",
        "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster",
        "AWS::EFS::FileSystem", "AWS::ECR::Repository", "AWS::SecretsManager::Secret", "AWS::Backup::BackupVault",
    };

    /// <summary>Resources that answer requests: replacing or removing them interrupts callers.</summary>
    public static readonly IReadOnlySet<string> ServingTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        SageMakerDeployment.EndpointType, SageMakerDeployment.InferenceComponentType,
    };

    /// <summary>A custom resource: no schema, its handler decides (AWS::CloudFormation::CustomResource or Custom::*).</summary>
    public static bool IsCustom(string type)
        => type.StartsWith("Custom::", StringComparison.Ordinal) || type == "AWS::CloudFormation::CustomResource";

    /// <summary>Resources that exist only for the CDK toolkit and are not compared (version reporting).</summary>
    public static bool IsIgnored(string type) => type == "AWS::CDK::Metadata";

    /// <summary>
    /// What happens to the old resource of a replacement (<paramref name="attribute"/> UpdateReplacePolicy) or to a
    /// removed one (DeletionPolicy); both default to Delete (CloudFormation user guide, DeletionPolicy and
    /// UpdateReplacePolicy attributes). For a Custom::BedrockModelImport that CloudFormation deletes, the handler
    /// (lambda/BedrockModelImport) deletes the imported model unless the old properties say RetainOnDelete "true".
    /// </summary>
    public static string Fate(JsonObject resource, string attribute)
    {
        var policy = (string?)resource[attribute];
        if (policy is "Retain" or "RetainExceptOnCreate")
        {
            return $"{attribute} {policy}: kept, orphaned (no longer managed by the stack)";
        }

        if ((string?)resource["Type"] == BedrockModelImportType)
        {
            return (string?)resource["Properties"]?["RetainOnDelete"] == "true"
                ? $"{attribute} {policy ?? "Delete (default)"}, but the handler keeps the imported model (RetainOnDelete \"true\"), orphaned"
                : $"{attribute} {policy ?? "Delete (default)"}: the handler deletes the imported model";
        }

        return policy switch
        {
            "Snapshot" => $"{attribute} Snapshot: a final snapshot is taken, then it is deleted",
            null => $"{attribute} Delete (default): destroyed",
            _ => $"{attribute} {policy}: destroyed",
        };
    }

    /// <summary>Extra consequence of replacing or removing a resource that the reviewer would not guess, if any.</summary>
    public static string? SideEffect(JsonObject resource)
        => (string?)resource["Type"] == "AWS::SNS::Subscription" && (string?)resource["Properties"]?["Protocol"] == "email"
            ? "the new e-mail subscription must be confirmed again; nothing reaches that address until it is"
            : null;
}
