using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.Pipelines;
using Constructs;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.App.Stacks.Pipeline;

/// <summary>
/// The cdk-nag findings of the pipeline's stacks that are accepted, each on the resource that carries it, with the
/// finding named and its evidence. Everything here is what CDK Pipelines 2.160 itself grants (the roles it creates), or
/// the check's one wildcard; no role holds an administrator or any other AWS managed policy.
/// </summary>
internal static class PipelineNag
{
    private const string Iam5 = "AwsSolutions-IAM5";

    // aws-cdk-lib 2.160: Bucket.grantRead/grantReadWrite and Key.grantDecrypt/grantEncryptDecrypt (aws-s3/lib/perms,
    // aws-kms/lib/perms), which CodePipeline and CodeBuild call on the artifact bucket for every action and project.
    private static readonly string[] ArtifactFindings =
    [
        "Action::s3:Abort*", "Action::s3:DeleteObject*", "Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
        "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*",
        @"/^Resource::<PipelineArtifacts[A-Za-z0-9]+\.Arn>\/\*$/",
    ];

    private const string ArtifactReason =
        "CDK grants each pipeline role its reads and writes of the artifact bucket and key with these action groups, on that bucket and key only (aws-cdk-lib 2.160 aws-s3 and aws-kms grant lists).";

    // aws-cdk-lib 2.160 aws-codebuild Project: its role may write the project's own log group and report groups, whose
    // streams and reports CodeBuild names at build time.
    private static readonly string[] ProjectFindings =
    [
        @"/^Resource::arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/codebuild\/<[A-Za-z0-9]+>:\*$/",
        @"/^Resource::arn:aws[a-z-]*:codebuild:[a-z0-9-]+:\d{12}:report-group\/<[A-Za-z0-9]+>-\*$/",
    ];

    private const string ProjectReason =
        "A CodeBuild project's role writes the log streams and reports that CodeBuild names at build time, in the project's own log group and report groups (aws-cdk-lib 2.160 aws-codebuild Project).";

    /// <summary>Adds the suppressions to the roles of <paramref name="pipeline"/>, once it is built, and to the check roles.</summary>
    /// <param name="pipeline">The built pipeline.</param>
    /// <param name="checkRoles">The roles of the checks after the stages.</param>
    /// <param name="crossRegion">Whether a stage deploys to another region than the pipeline's.</param>
    internal static void Suppress(CodePipeline pipeline, IReadOnlyList<Role> checkRoles, bool crossRegion)
    {
        foreach (var role in pipeline.Node.FindAll().OfType<Role>().Concat(checkRoles))
        {
            NagSuppressions.Add(role, Iam5, ArtifactReason, ArtifactFindings);
        }

        if (crossRegion && pipeline.Pipeline.Role is Role pipelineRole)
        {
            NagSuppressions.Add(pipelineRole, Iam5,
                "CodePipeline copies artifacts to a replication bucket in each other region, encrypted with a key of that region's support stack, which CDK cannot reference from here and grants on every key (aws-cdk-lib 2.160 aws-codepipeline CrossRegionSupportStack).",
                @"/^Resource::arn:aws[a-z-]*:s3:::[a-z0-9.-]+\/\*$/", "Resource::*");
        }

        foreach (var project in new[] { pipeline.SynthProject, pipeline.SelfMutationProject })
        {
            NagSuppressions.Add((IConstruct)project.Role!, Iam5, ProjectReason, ProjectFindings);
        }

        NagSuppressions.Add((IConstruct)pipeline.SelfMutationProject.Role!, Iam5,
            "Self-mutation assumes the toolchain's bootstrap deploy and publishing roles, chosen by their aws-cdk:bootstrap-role tag, and reads stack states and the staging bucket (aws-cdk-lib 2.160 pipelines CodePipeline.selfMutateAction).",
            @"/^Resource::arn:\*:iam::\d{12}:role\/\*$/", "Resource::*");

        // One role publishes every file asset, each from a project of its own (aws-cdk-lib 2.160 pipelines AssetSingletonRole).
        if (pipeline.Node.TryFindChild("Assets")?.Node.TryFindChild("FileRole") is Role assets)
        {
            NagSuppressions.Add(assets, Iam5,
                "The asset publishing role is shared by one CodeBuild project per asset, so it may write every CodeBuild log group and report group and start those builds (aws-cdk-lib 2.160 pipelines AssetSingletonRole).",
                @"/^Resource::arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/codebuild\/\*$/",
                @"/^Resource::arn:aws[a-z-]*:codebuild:[a-z0-9-]+:\d{12}:report-group\/\*$/",
                "Resource::*");
        }

        foreach (var role in checkRoles)
        {
            NagSuppressions.Add(role, Iam5, ProjectReason, ProjectFindings);
            NagSuppressions.Add(role, Iam5,
                "The environment's invoker role has a name CloudFormation generates, so the check may assume roles of that account tagged with the environment, and the invoker role's trust policy names this role (README, Delivery pipeline).",
                @"/^Resource::arn:<AWS::Partition>:iam::\d{12}:role\/\*$/");
        }
    }

    /// <summary>
    /// The replication bucket CodePipeline keeps in each other region (a support stack of CDK's own) gets no access log
    /// bucket: it holds copies of the pipeline's artifacts only, written and read by the pipeline's roles.
    /// </summary>
    internal static void SuppressSupportStacks(Amazon.CDK.App app, string pipelineStackName)
    {
        foreach (var stack in app.Node.Children.OfType<Stack>().Where(s => s.StackName.StartsWith(pipelineStackName + "-support-", StringComparison.Ordinal)))
        {
            foreach (var bucket in stack.Node.FindAll().OfType<CfnResource>().Where(r => r.CfnResourceType == "AWS::S3::Bucket"))
            {
                NagSuppressions.Add(bucket, "AwsSolutions-S1",
                    "CodePipeline's cross-region replication bucket holds only copies of the pipeline's artifacts, used by its own roles; CDK creates it in a support stack without a logging option (aws-cdk-lib 2.160 aws-codepipeline CrossRegionSupportStack).");
            }
        }
    }
}
