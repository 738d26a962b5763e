using LlmHosting.Cli.Commands;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// Where upload-model sends a folder: <c>s3://bucket/prefix/</c>, or <c>--env &lt;name&gt; --prefix &lt;prefix&gt;</c> with
/// the bucket taken from the environment's stack outputs (<c>cdk deploy --outputs-file</c>): the output
/// <see cref="BucketOutput"/> of the stack <c>&lt;namePrefix&gt;-storage</c>, or of <c>&lt;namePrefix&gt;-model-hosting</c>
/// for apps that keep the bucket in their single stack.
/// </summary>
internal static class UploadDestination
{
    public const string BucketOutput = "ModelBucketName";

    /// <summary>The stacks searched for <see cref="BucketOutput"/>, in order, for an environment's name prefix.</summary>
    public static IReadOnlyList<string> BucketStacks(string namePrefix) => [namePrefix + "-storage", namePrefix + "-model-hosting"];

    public static (string Bucket, string Prefix) Resolve(string? destination, string? environment, string? prefix, string outputsFile, string configDirectory)
    {
        string? bucket = null;
        if (destination is not null)
        {
            if (!destination.StartsWith("s3://", StringComparison.Ordinal) || destination.Length <= "s3://".Length || destination["s3://".Length..].StartsWith('/'))
            {
                throw new CliException($"Destination '{destination}' is not an s3://bucket/prefix/ URI; or pass --env <environment> --prefix <prefix>.");
            }

            if (prefix is not null)
            {
                throw new CliException($"Give the prefix once: in the destination '{destination}' or with --prefix, not both.");
            }

            var rest = destination["s3://".Length..];
            var slash = rest.IndexOf('/');
            (bucket, prefix) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
        }
        else if (environment is null || prefix is null)
        {
            throw new CliException("Give a destination: s3://bucket/prefix/, or --env <environment> --prefix <prefix> (the bucket then comes from the outputs file).");
        }

        var problems = ModelPrefixRule.Problems(prefix);
        if (problems.Count > 0)
        {
            throw new CliException($"Invalid model prefix '{prefix}': {string.Join("; ", problems)}.");
        }

        if (environment is not null)
        {
            var environmentBucket = EnvironmentBucket(environment, outputsFile, configDirectory);
            if (bucket is not null && bucket != environmentBucket)
            {
                throw new CliException($"Destination bucket '{bucket}' is not the model bucket of environment '{environment}' ('{environmentBucket}' in {outputsFile}); drop --env, or use s3://{environmentBucket}/{prefix}.");
            }

            bucket = environmentBucket;
        }

        return (bucket!, ModelPrefixRule.Normalize(prefix));
    }

    private static string EnvironmentBucket(string environment, string outputsFile, string configDirectory)
    {
        if (!File.Exists(EnvironmentFiles.PathOf(environment, configDirectory)))
        {
            throw EnvironmentFiles.Unknown(environment, configDirectory, "or give the destination as s3://bucket/prefix/");
        }

        var namePrefix = StackOutputs.NamePrefix(environment, configDirectory)
            ?? throw new CliException($"{EnvironmentFiles.PathOf(environment, configDirectory)} has no namePrefix: the environment's stacks cannot be found without it.");
        var stacks = StackOutputs.Read(outputsFile, $"Deploy the environment's storage stack with `cdk deploy -c env={environment} '{environment}/Storage' --outputs-file {outputsFile}`, or give the destination as s3://bucket/prefix/.");
        foreach (var stack in BucketStacks(namePrefix))
        {
            if (stacks.TryGetValue(stack, out var outputs) && outputs.TryGetValue(BucketOutput, out var name) && !string.IsNullOrWhiteSpace(name))
            {
                return name;
            }
        }

        throw new CliException(
            $"No {BucketOutput} output of stack {string.Join(" or ", BucketStacks(namePrefix))} in {outputsFile}. "
            + $"Deploy the environment's storage with `cdk deploy --outputs-file {outputsFile}`, or give s3://bucket/prefix/.");
    }
}
