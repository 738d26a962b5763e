using Amazon.CDK;
using Amazon.CDK.AWS.CodeBuild;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.Pipelines;

namespace LlmHosting.App.Stacks.Pipeline;

/// <summary>
/// The CodeBuild steps of the delivery pipeline: the synth step (the README's two commands, the template checks, the
/// impact reports) and the check after each stage. Their commands are plain shell lines so that a test can compare them
/// with the README and a reviewer can read them in the template.
/// </summary>
internal static class PipelineSteps
{
    /// <summary>
    /// The CDK CLI that self-mutation installs: the version <c>package.json</c> pins for <c>scripts/synth</c> (a test
    /// compares them), so that the pipeline deploys itself with the CLI its own synth used.
    /// </summary>
    internal const string CdkCliVersion = "2.160.0";

    /// <summary>Where the synth step writes one <c>llmhost impact</c> report per environment (a pipeline artifact).</summary>
    internal const string ImpactDirectory = "impact";

    /// <summary>Where the synth step puts what the checks run: the published <c>llmhost</c> and the check script.</summary>
    internal const string ToolsDirectory = "pipeline-tools";

    /// <summary>The synth step's commands after the install phase, in order; the first two are the README's.</summary>
    internal static readonly IReadOnlyList<string> SynthCommands =
    [
        // The README's two commands ("The two commands"), tests first so that a failing test stops the build early.
        "dotnet test Infra.sln",
        "scripts/synth",
        // The template checks of the README's "Security checks", over every template of the cloud assembly.
        "find cdk.out -name '*.template.json' -print0 | xargs -0 cfn-lint",
        "scripts/nag",
        // What deploying each environment would do, against the templates deployed now (scripts/pipeline-impact).
        $"scripts/pipeline-impact {ImpactDirectory}",
        $"dotnet publish src/LlmHosting.Cli --configuration Release --output {ToolsDirectory}/llmhost --nologo && cp scripts/check-environment {ToolsDirectory}/",
    ];

    // dotnet-install.sh is Microsoft's documented installer (learn.microsoft.com, "dotnet-install scripts"). The CodeBuild
    // standard:7.0 image puts /root/.dotnet on PATH as DOTNET_ROOT (aws/aws-codebuild-docker-images,
    // ubuntu/standard/7.0/Dockerfile), so .NET 10 installed there is found without changing PATH; .NET 10 itself is in
    // that image's runtimes.yml only since 2026-04, hence the install.
    private const string DotnetInstall = "curl -sSfL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh";
    private const string DotnetRoot = "\"${DOTNET_ROOT:-$HOME/.dotnet}\"";

    /// <summary>
    /// The synth step's install commands: the README's prerequisites (.NET SDK 10; Node.js and Python come from the
    /// image's runtime versions) and the Python tools the tests and checks run, at the versions the tests were written
    /// against (cfn-lint's data also feeds <c>llmhost impact</c>'s generated replacement rules).
    /// </summary>
    internal static readonly IReadOnlyList<string> SynthInstallCommands =
    [
        DotnetInstall,
        $"bash /tmp/dotnet-install.sh --channel 10.0 --install-dir {DotnetRoot}",
        // The image writes a global.json that selects an older SDK; the nearest global.json wins.
        "printf '{\"sdk\":{\"version\":\"10.0.100\",\"rollForward\":\"latestFeature\"}}\\n' > global.json",
        "pip install --quiet cfn-lint==1.51.0 'moto[server]==5.2.1' botocore==1.43.11 boto3==1.43.11",
        // pyenv (the image's Python) finds new executables such as cfn-lint only after a rehash.
        "if command -v pyenv >/dev/null; then pyenv rehash; fi",
        "dotnet --version && node --version && cfn-lint --version",
    ];

    /// <summary>The check step's install commands: only the .NET runtime that runs the published <c>llmhost</c>.</summary>
    internal static readonly IReadOnlyList<string> CheckInstallCommands =
    [
        DotnetInstall,
        $"bash /tmp/dotnet-install.sh --channel 10.0 --runtime dotnet --install-dir {DotnetRoot}",
    ];

    /// <summary>CDK Pipelines' default image (2.160); Node.js 22 and Python 3.11 are among its runtime versions.</summary>
    internal static readonly IBuildImage Image = LinuxBuildImage.STANDARD_7_0;

    /// <summary>The synth step: builds, tests and synthesizes the source, checks the templates, writes the reports.</summary>
    /// <param name="input">The repository.</param>
    /// <param name="lookupRoleArns">The bootstrap lookup role of every environment the pipeline deploys, to read deployed templates.</param>
    internal static CodeBuildStep Synth(IFileSetProducer input, IEnumerable<string> lookupRoleArns) => new("Synth", new CodeBuildStepProps
    {
        Input = input,
        InstallCommands = [.. SynthInstallCommands],
        Commands = [.. SynthCommands],
        PrimaryOutputDirectory = "cdk.out",
        // scripts/pipeline-impact resolves ${AWS::Partition} in the lookup roles' ARNs with it.
        Env = new Dictionary<string, string>(Quiet) { ["AWS_PARTITION"] = Aws.PARTITION },
        BuildEnvironment = new BuildEnvironment
        {
            BuildImage = Image,
            // The whole test suite and a synth of every environment: 4 vCPUs and 7 GB rather than the default 2 and 3.
            ComputeType = ComputeType.MEDIUM,
        },
        PartialBuildSpec = RuntimeVersions(),
        Timeout = Duration.Minutes(60),
        RolePolicyStatements = [AssumeRoles("ReadDeployedTemplates", lookupRoleArns)],
    });

    /// <summary>The check after a stage, run by <paramref name="role"/> with <c>check-environment</c> from the synth step.</summary>
    internal static CodeBuildStep Check(string id, CheckStepProps props) => new(id, new CodeBuildStepProps
    {
        Input = props.Tools,
        InstallCommands = [.. CheckInstallCommands],
        Commands = ["bash check-environment"],
        Env = new Dictionary<string, string>(Quiet)
        {
            ["ENVIRONMENT"] = props.Environment,
            ["REGION"] = props.Region,
            ["LOOKUP_ROLE_ARN"] = props.LookupRoleArn,
            ["DIRECTORY_PARAMETER"] = props.DirectoryParameter,
            ["CHECK_TIMEOUT_SECONDS"] = (props.TimeoutMinutes * 60 - InstallAllowanceSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        EnvFromCfnOutputs = props.InvokerRoleArn is { } invoker ? new Dictionary<string, CfnOutput> { ["INVOKER_ROLE_ARN"] = invoker } : null,
        BuildEnvironment = new BuildEnvironment { BuildImage = Image, ComputeType = ComputeType.SMALL },
        PartialBuildSpec = RuntimeVersions(),
        Timeout = Duration.Minutes(props.TimeoutMinutes),
        Role = props.Role,
    });

    /// <summary>
    /// Seconds of a check's timeout kept for provisioning and the runtime install, so that the script's own deadline
    /// ends before CodeBuild stops the build and its last line says what was still waiting.
    /// </summary>
    internal const int InstallAllowanceSeconds = 180;

    /// <summary>An <c>sts:AssumeRole</c> statement on the given role ARNs (with <c>${AWS::Partition}</c> resolved).</summary>
    internal static PolicyStatement AssumeRoles(string sid, IEnumerable<string> roleArns) => new(new PolicyStatementProps
    {
        Sid = sid,
        Actions = ["sts:AssumeRole"],
        Resources = [.. roleArns.Distinct(StringComparer.Ordinal).Select(a => a.Contains("${", StringComparison.Ordinal) ? Fn.Sub(a) : a)],
    });

    private static readonly Dictionary<string, string> Quiet = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    // The README's prerequisites: Node.js 22 (recommended) and Python 3 (3.11, as on the developers' machines).
    private static BuildSpec RuntimeVersions() => BuildSpec.FromObject(new Dictionary<string, object>
    {
        ["version"] = "0.2",
        ["phases"] = new Dictionary<string, object>
        {
            ["install"] = new Dictionary<string, object>
            {
                ["runtime-versions"] = new Dictionary<string, object> { ["nodejs"] = "22", ["python"] = "3.11" },
            },
        },
    });
}

/// <summary>What the check after one stage needs.</summary>
internal sealed record CheckStepProps
{
    /// <summary>The synth step's tools directory (llmhost and the check script).</summary>
    public required IFileSetProducer Tools { get; init; }

    /// <summary>The environment's name.</summary>
    public required string Environment { get; init; }

    /// <summary>The environment's region.</summary>
    public required string Region { get; init; }

    /// <summary>The bootstrap lookup role of the environment (read-only), for the endpoints' status.</summary>
    public required string LookupRoleArn { get; init; }

    /// <summary>The SSM parameter that holds the environment's model directory.</summary>
    public required string DirectoryParameter { get; init; }

    /// <summary>The Serving stack's <c>InvokerRoleArn</c> output, or null when the environment has no model.</summary>
    public CfnOutput? InvokerRoleArn { get; init; }

    /// <summary>The CodeBuild timeout of the step.</summary>
    public required int TimeoutMinutes { get; init; }

    /// <summary>The role the step runs as: the one the environment's invoker role trusts.</summary>
    public required IRole Role { get; init; }
}
