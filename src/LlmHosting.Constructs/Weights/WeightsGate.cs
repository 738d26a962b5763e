using System.Text.RegularExpressions;
using Amazon.CDK;
using Constructs;
using LlmHosting.Constructs.Handlers;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Weights;

/// <summary>
/// Checks a model folder of a bucket during deployment, before anything that loads it is created or updated: a
/// custom resource lists the prefix and applies the rules of <c>llmhost validate-model</c> (<see cref="WeightsRules"/>),
/// and, when given, compares the objects with the manifest of the upload. A bad or empty folder fails the deployment
/// within a minute, naming the prefix and every problem, instead of an endpoint that times out after an hour or an
/// import that fails after fifteen minutes. Its <see cref="Fingerprint"/> (keys, sizes and ETags of the folder) is
/// what consumers reference, so they are created after the check, and a change of content that the check sees rolls
/// them. There is one gate per stack, bucket and prefix, whatever reads the prefix; the constructs of this library
/// create and use it (<see cref="For"/>), and <see cref="Guard"/> puts resources of your own behind it.
/// </summary>
public sealed partial class WeightsGate : Construct
{
    /// <summary>The CloudFormation type of the custom resource.</summary>
    public const string ResourceType = "Custom::ModelWeightsGate";

    /// <summary>The container variable that carries <see cref="Fingerprint"/> into a SageMaker model, so that new content rolls the model.</summary>
    public const string FingerprintVariable = "LLMHOST_WEIGHTS_FINGERPRINT";

    private const string ContainerId = ReservedIds.WeightsGates;

    private readonly CfnResource _resource;
    private readonly SortedDictionary<string, string> _startFiles = new(StringComparer.Ordinal);
    private IReadOnlyList<ExpectedWeightsFile>? _expectedFiles;

    private WeightsGate(Construct scope, string id, HandlerProvider provider, IModelBucket bucket, string prefix)
        : base(scope, id)
    {
        Bucket = bucket;
        Prefix = prefix;
        S3Uri = bucket.S3UriFor(prefix);
        bucket.GrantRead(provider.Role, prefix);

        var resource = new CustomResource(this, "Resource", new CustomResourceProps
        {
            ServiceToken = provider.ServiceToken,
            ResourceType = ResourceType,
            Properties = new Dictionary<string, object>
            {
                ["S3Uri"] = S3Uri,
                ["Rules"] = Rules.ToString(),
            },
        });
        _resource = (CfnResource)resource.Node.DefaultChild!;
        // The handler reads the folder as soon as the resource is created: its grants must be in place first.
        provider.DependOnGrants(resource);
        Fingerprint = resource.GetAttString("Fingerprint");
        FileCount = resource.GetAttString("FileCount");

        if (bucket is ModelBucket && Stack.Of(bucket) == Stack.Of(this))
        {
            Annotations.Of(this).AddWarning(
                $"The model bucket {bucket.Node.Path} is created in the same stack as the models that read {prefix}: it is empty when "
                + "they are created, so the first deployment fails at this check. Put the bucket in a stack of its own, deploy it, "
                + "upload the weights, then deploy the models (see the README's first deployment).");
        }
    }

    /// <summary>The bucket that holds the folder.</summary>
    public IModelBucket Bucket { get; }

    /// <summary>The folder's prefix, ending with <c>/</c>.</summary>
    public string Prefix { get; }

    /// <summary>The folder as <c>s3://bucket/prefix/</c>.</summary>
    public string S3Uri { get; }

    /// <summary>The strictest rules any reader of the folder asked for.</summary>
    public WeightsRules Rules { get; private set; } = WeightsRules.SageMaker;

    /// <summary>
    /// SHA-256 over the key, size and ETag of every object of the folder, as the check found them (a deploy-time
    /// attribute). Referencing it orders a resource after the check; its value changes when the content does.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Number of objects in the folder (a deploy-time attribute).</summary>
    public string FileCount { get; }

    /// <summary>
    /// The gate of <paramref name="bucket"/>'s <paramref name="prefix"/> in <paramref name="consumer"/>'s stack: the one
    /// already there, or a new one (with the stack's single gate handler).
    /// </summary>
    /// <param name="consumer">Any construct of the stack whose resources read the folder.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="prefix">The model folder, for example <c>models/gpt-oss-20b/</c>.</param>
    public static WeightsGate For(Construct consumer, IModelBucket bucket, string prefix)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(bucket);
        var folder = ModelPrefix.Normalize(prefix);
        var stack = Stack.Of(consumer);
        var container = stack.Node.TryFindChild(ContainerId) as Construct ?? new Construct(stack, ContainerId);
        var provider = HandlerProvider.Of(
            container,
            "LlmHosting.Lambda.WeightsGate.Handler",
            "Checks model weight folders before the models that read them are deployed.",
            "Checks a model weight folder (llmhost validate-model's rules) before models or imports read it.",
            // A listing of a few hundred keys and a few small reads; S3 retries included, well under a minute.
            Duration.Minutes(2));
        var id = bucket.Node.Id + IdFor(folder);
        return container.Node.TryFindChild(id) switch
        {
            WeightsGate existing when existing.Bucket == bucket => existing,
            null => new WeightsGate(container, id, provider, bucket, folder),
            _ => new WeightsGate(container, id + bucket.Node.Addr[..8], provider, bucket, folder),
        };
    }

    /// <summary>Raises the rules the folder is checked with; a folder read by SageMaker and Bedrock meets both.</summary>
    /// <param name="rules">The rules a reader needs.</param>
    public void Require(WeightsRules rules)
    {
        if (rules > Rules)
        {
            Rules = rules;
            _resource.AddPropertyOverride("Rules", Rules.ToString());
        }
    }

    /// <summary>
    /// Makes the check compare the folder with the exact objects of an upload's manifest. Every reader of the folder
    /// must expect the same objects.
    /// </summary>
    /// <param name="files">The objects, keys relative to the prefix.</param>
    public void ExpectFiles(IReadOnlyList<ExpectedWeightsFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sorted = files.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        if (_expectedFiles is not null)
        {
            if (!_expectedFiles.SequenceEqual(sorted))
            {
                throw new ArgumentException($"Two readers of {Prefix} expect different objects: give every model of one folder the same manifest.");
            }

            return;
        }

        var problems = sorted.Where(f => f.Key.Length == 0 || f.Key.StartsWith('/') || f.SizeInBytes < 0 || string.IsNullOrWhiteSpace(f.ETag))
            .Select(f => $"'{f.Key}' (size {f.SizeInBytes}, ETag '{f.ETag}')")
            .ToList();
        problems.AddRange(sorted.GroupBy(f => f.Key).Where(g => g.Count() > 1).Select(g => $"'{g.Key}' is listed {g.Count()} times"));
        if (sorted.Count == 0 || problems.Count > 0)
        {
            throw new ArgumentException($"Invalid expected files for {Prefix}: " + (sorted.Count == 0 ? "the list is empty" : string.Join("; ", problems)) + ".");
        }

        _expectedFiles = sorted;
        _resource.AddPropertyOverride("ExpectedFiles", sorted.Select(f => new Dictionary<string, object>
        {
            ["Key"] = f.Key,
            ["Size"] = f.SizeInBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ETag"] = f.ETag,
        }).ToArray());
    }

    /// <summary>
    /// Makes the check require files that a reader's container reads at start (its <c>StartContract</c>), each with its
    /// SHA-256: the resource property <c>StartFiles</c>, the union over every reader of the folder.
    /// </summary>
    /// <param name="files">The files, keys relative to the prefix.</param>
    public void RequireStartFiles(IEnumerable<Sagemaker.StartFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            if (_startFiles.TryGetValue(file.Key, out var sha256) && sha256 != file.Sha256)
            {
                throw new ArgumentException($"Two readers of {Prefix} need {file.Key} with different SHA-256 ({sha256} and {file.Sha256}).");
            }

            _startFiles[file.Key] = file.Sha256;
        }

        if (_startFiles.Count > 0)
        {
            _resource.AddPropertyOverride("StartFiles", _startFiles.Select(f => new Dictionary<string, object> { ["Key"] = f.Key, ["Sha256"] = f.Value }).ToArray());
        }
    }

    /// <summary>Makes <paramref name="resource"/> wait for the check (for resources of your own that load the folder).</summary>
    /// <param name="resource">A resource that reads the folder.</param>
    public void Guard(IConstruct resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        resource.Node.AddDependency(_resource);
    }

    // "models/gpt-oss-20b/" becomes "ModelsGptOss20b".
    private static string IdFor(string prefix)
        => string.Concat(NonAlphanumeric().Split(prefix).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
