using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LlmHosting.App.Configuration.Json;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.App.Configuration;

/// <summary>
/// The delivery pipeline, read from <c>cdk/config/pipeline.json</c> when that file exists (the pipeline is off without
/// it): the toolchain account and region that run it, the repository it builds, and the environments it deploys, in
/// order. Validated like the environments, with every problem on one line that names the file and the JSON path.
/// </summary>
public sealed record PipelineConfig
{
    /// <summary>The file name, beside the environment files; <c>pipeline</c> is therefore never an environment name.</summary>
    public const string FileName = "pipeline.json";

    /// <summary>The name no environment may take, because its file would be the pipeline's.</summary>
    public const string ReservedName = "pipeline";

    /// <summary>Default of <see cref="CheckTimeoutMinutes"/>: a cold model needs 5-15 minutes to answer (README, scale to zero).</summary>
    public const int DefaultCheckTimeoutMinutes = 30;

    // CodeBuild accepts 5 to 2160 minutes (botocore's codebuild model, TimeOut); a check that needs more than 8 hours
    // is not a bounded check.
    private const int MinCheckMinutes = 5, MaxCheckMinutes = 480;

    // Short enough that the check role names, <name>-check-<environment>, stay within IAM's 64 characters.
    private static readonly Regex PipelineName = new(@"^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$", RegexOptions.CultureInvariant);

    // What git refuses in a branch name (git check-ref-format): spaces, control characters, ~ ^ : ? * [ \, "..", "@{",
    // a leading "-" or "/", a trailing "/", "." or ".lock".
    private static readonly Regex BranchName = new(@"^(?![-/])(?!.*(?:\.\.|@\{|//))[^\s~^:?*\[\\\x00-\x1f\x7f]+(?<![/.])(?<!\.lock)$", RegexOptions.CultureInvariant);

    /// <summary>The file as messages name it, for example <c>cdk/config/pipeline.json</c>.</summary>
    [JsonIgnore]
    public string File { get; init; } = "";

    /// <summary>The account and region that hold the pipeline (CodePipeline, CodeBuild, the artifact bucket).</summary>
    public ToolchainConfig Toolchain { get; init; } = new();

    /// <summary>
    /// Name of the pipeline, of its stack (<c>&lt;name&gt;-pipeline</c>) and prefix of its check roles: 1-20 lower-case
    /// letters, digits and hyphens. Default: <c>llm-hosting</c>.
    /// </summary>
    public string Name { get; init; } = "llm-hosting";

    /// <summary>The repository and branch the pipeline builds, through a CodeConnections connection.</summary>
    public PipelineSourceConfig Source { get; init; } = new();

    /// <summary>The environments the pipeline deploys, in this order, each after the previous one succeeded.</summary>
    public List<PipelineStageConfig> Stages { get; init; } = [];

    /// <summary>
    /// Minutes the check after each stage may take (its CodeBuild timeout), unless a stage sets its own: from 5 to 480.
    /// </summary>
    public int CheckTimeoutMinutes { get; init; } = DefaultCheckTimeoutMinutes;

    /// <summary>Name of the pipeline's stack.</summary>
    internal string StackName => $"{Name}-pipeline";

    /// <summary>Name of the role the check after <paramref name="environment"/>'s stage runs as.</summary>
    internal string CheckRoleName(string environment) => $"{Name}-check-{environment}";

    /// <summary>
    /// Loads <c>pipeline.json</c> from <paramref name="directory"/>, or returns null when there is none (the pipeline is
    /// off). Every stage must name an environment of <paramref name="catalog"/>.
    /// </summary>
    /// <param name="directory">The configuration folder, the one of the environments.</param>
    /// <param name="catalog">The environments, already loaded.</param>
    /// <param name="displayDirectory">How the folder is named in messages.</param>
    public static PipelineConfig? Load(string directory, EnvironmentCatalog catalog, string displayDirectory = "cdk/config")
    {
        var path = Path.Combine(directory, FileName);
        return System.IO.File.Exists(path)
            ? Parse(System.IO.File.ReadAllText(path), catalog.Environments, $"{displayDirectory}/{FileName}")
            : null;
    }

    /// <summary>Parses and validates the pipeline's JSON text against the environments it deploys.</summary>
    /// <param name="json">The file's content.</param>
    /// <param name="environments">Every environment of the app.</param>
    /// <param name="file">Where the text came from, for messages.</param>
    public static PipelineConfig Parse(string json, IReadOnlyList<EnvironmentConfig> environments, string file)
    {
        var problems = new List<string>();
        var parsed = ConfigJson.Read<PipelineConfig>(json, problems);
        ConfigurationException.ThrowIfAny(file, problems);

        var config = parsed! with { File = file };
        config.Validate(environments, problems);
        ConfigurationException.ThrowIfAny(file, problems);
        return config;
    }

    /// <summary>The environment of each stage, in pipeline order (only after validation).</summary>
    internal IReadOnlyList<(PipelineStageConfig Stage, EnvironmentConfig Environment)> Resolve(IReadOnlyList<EnvironmentConfig> environments)
        => Stages.Select(s => (s, environments.Single(e => e.Name == s.Environment))).ToList();

    private void Validate(IReadOnlyList<EnvironmentConfig> environments, List<string> problems)
    {
        Toolchain.Validate(problems);
        if (!PipelineName.IsMatch(Name))
        {
            problems.Add($"name '{Name}' must be 1-20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen");
        }

        Source.Validate(problems, BranchName);
        CheckTimeout(problems, "checkTimeoutMinutes", CheckTimeoutMinutes);
        if (Stages.Count == 0)
        {
            problems.Add("stages is empty: list the environments in the order the pipeline deploys them, for example [{ \"environment\": \"dev\" }]");
        }

        var byName = environments.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var targets = new Dictionary<(string Account, string Region), int>();
        for (var i = 0; i < Stages.Count; i++)
        {
            var stage = Stages[i];
            var path = $"stages[{i}]";
            if (stage.CheckTimeoutMinutes is { } minutes)
            {
                CheckTimeout(problems, $"{path}.checkTimeoutMinutes", minutes);
            }

            if (!byName.TryGetValue(stage.Environment, out var environment))
            {
                problems.Add(stage.Environment.Length == 0
                    ? $"{path}.environment is missing (an environment of cdk/config: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))})"
                    : $"{path}.environment '{stage.Environment}' is not an environment of cdk/config{KeySuggestion.For(stage.Environment, byName.Keys, "environments")}");
                continue;
            }

            if (seen.TryGetValue(stage.Environment, out var first))
            {
                problems.Add($"{path}.environment '{stage.Environment}' is already stages[{first}]: each environment is deployed once");
                continue;
            }

            seen[stage.Environment] = i;
            if (targets.TryGetValue((environment.Account, environment.Region), out var other))
            {
                problems.Add($"{path} '{stage.Environment}' deploys to account {environment.Account} in {environment.Region}, like stages[{other}] '{Stages[other].Environment}': "
                    + "give each stage an account and region of its own, so that one environment's deployment cannot touch another's");
            }
            else
            {
                targets[(environment.Account, environment.Region)] = i;
            }

            var inToolchain = environment.Account == Toolchain.Account;
            if (!AwsNames.IsAccountId(Toolchain.Account))
            {
                continue;
            }

            if (inToolchain && !stage.AllowToolchainAccount)
            {
                problems.Add($"{path} '{stage.Environment}' deploys to the toolchain account {Toolchain.Account}, which holds the pipeline and its artifacts: "
                    + $"give the environment an account of its own, or set {path}.allowToolchainAccount to true");
            }
            else if (!inToolchain && stage.AllowToolchainAccount)
            {
                problems.Add($"{path}.allowToolchainAccount is true, but '{stage.Environment}' deploys to account {environment.Account}, not to the toolchain account {Toolchain.Account}; remove it");
            }
        }
    }

    private static void CheckTimeout(List<string> problems, string path, int minutes)
    {
        if (minutes is < MinCheckMinutes or > MaxCheckMinutes)
        {
            problems.Add($"{path} {minutes} must be from {MinCheckMinutes} to {MaxCheckMinutes} minutes");
        }
    }
}

/// <summary>The account and region of the pipeline (<c>toolchain</c>).</summary>
public sealed record ToolchainConfig
{
    /// <summary>12-digit AWS account id that holds the pipeline.</summary>
    public string Account { get; init; } = "";

    /// <summary>AWS region of the pipeline, for example <c>us-east-1</c>.</summary>
    public string Region { get; init; } = "";

    internal void Validate(ICollection<string> problems)
    {
        if (!AwsNames.IsAccountId(Account))
        {
            problems.Add(Account.Length == 0 ? "toolchain.account is missing (a 12-digit AWS account id)" : $"toolchain.account '{Account}' is not a 12-digit AWS account id");
        }

        if (!AwsNames.IsRegion(Region))
        {
            problems.Add(Region.Length == 0 ? "toolchain.region is missing (for example us-east-1)" : $"toolchain.region '{Region}' is not an AWS region name (for example us-east-1)");
        }
    }
}

/// <summary>What the pipeline builds (<c>source</c>): a repository branch, read through a CodeConnections connection.</summary>
public sealed record PipelineSourceConfig
{
    /// <summary>
    /// ARN of the connection to GitHub, GitLab or Bitbucket, created (and authorized in the console) in the toolchain
    /// account: <c>arn:aws:codeconnections:&lt;region&gt;:&lt;account&gt;:connection/&lt;id&gt;</c> or the older
    /// <c>arn:aws:codestar-connections:...</c>.
    /// </summary>
    public string ConnectionArn { get; init; } = "";

    /// <summary>The repository, <c>&lt;owner&gt;/&lt;repository&gt;</c> (GitLab: <c>&lt;group&gt;/.../&lt;project&gt;</c>).</summary>
    public string Repository { get; init; } = "";

    /// <summary>The branch whose every push starts the pipeline. Default: <c>main</c>.</summary>
    public string Branch { get; init; } = "main";

    internal void Validate(ICollection<string> problems, Regex branchName)
    {
        if (!AwsNames.IsConnectionArn(ConnectionArn))
        {
            problems.Add(ConnectionArn.Length == 0
                ? "source.connectionArn is missing (the ARN of a CodeConnections connection of the toolchain account)"
                : $"source.connectionArn '{ConnectionArn}' is not a connection ARN: arn:aws:codeconnections:<region>:<account>:connection/<id> (or codestar-connections)");
        }

        // CDK Pipelines' rule (CodePipelineSource.connection): 2 to 23 non-empty parts joined by "/".
        var parts = Repository.Split('/');
        if (parts.Length is < 2 or > 23 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            problems.Add(Repository.Length == 0
                ? "source.repository is missing (<owner>/<repository>)"
                : $"source.repository '{Repository}' must be <owner>/<repository> (GitLab: <group>/.../<project>)");
        }

        if (!branchName.IsMatch(Branch))
        {
            problems.Add($"source.branch '{Branch}' is not a git branch name");
        }
    }
}

/// <summary>One environment the pipeline deploys (<c>stages[i]</c>).</summary>
public sealed record PipelineStageConfig
{
    /// <summary>The environment's name: a file of cdk/config.</summary>
    public string Environment { get; init; } = "";

    /// <summary>Whether someone must approve in CodePipeline before the stage deploys. Default: false.</summary>
    public bool ManualApproval { get; init; }

    /// <summary>
    /// The explicit opt-in to deploying an environment into the toolchain account itself, whose pipeline roles can then
    /// reach it without any cross-account trust. Default: false (such a stage is refused).
    /// </summary>
    public bool AllowToolchainAccount { get; init; }

    /// <summary>Minutes the check after this stage may take. Default: the pipeline's <c>checkTimeoutMinutes</c>.</summary>
    public int? CheckTimeoutMinutes { get; init; }
}
