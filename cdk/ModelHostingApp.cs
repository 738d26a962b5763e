using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Stacks.Pipeline;
using LlmHosting.Constructs.Access;

namespace LlmHosting.App;

/// <summary>Builds the app's stages from validated configuration; shared by <c>Program</c> and the tests.</summary>
public static class ModelHostingApp
{
    /// <summary>
    /// Adds one stage per environment to <paramref name="app"/>, or throws one <see cref="ConfigurationException"/>
    /// with the problems the constructs find in every environment.
    /// </summary>
    public static IReadOnlyList<ModelHostingStage> AddEnvironments(Amazon.CDK.App app, IEnumerable<EnvironmentConfig> environments)
    {
        var stages = new List<ModelHostingStage>();
        var lines = new List<string>();
        foreach (var environment in environments)
        {
            try
            {
                stages.Add(new ModelHostingStage(app, environment));
            }
            catch (ConfigurationException e)
            {
                lines.AddRange(e.Lines);
            }
        }

        return lines.Count > 0 ? throw new ConfigurationException(lines) : stages;
    }

    /// <summary>The construct id of the pipeline's stack: <c>cdk deploy Pipeline</c>.</summary>
    public const string PipelineStackId = "Pipeline";

    /// <summary>
    /// Adds the delivery pipeline that deploys <paramref name="stages"/> in the order of <paramref name="pipeline"/>, or
    /// throws one <see cref="ConfigurationException"/> naming each environment whose invoker role would not let the
    /// pipeline's check in.
    /// </summary>
    /// <param name="app">The app that holds the stages.</param>
    /// <param name="pipeline">The validated pipeline configuration.</param>
    /// <param name="environments">Every environment of the app.</param>
    /// <param name="stages">The stage of every environment, from <see cref="AddEnvironments"/>.</param>
    public static DeliveryPipelineStack AddPipeline(
        Amazon.CDK.App app, PipelineConfig pipeline, IReadOnlyList<EnvironmentConfig> environments, IReadOnlyList<ModelHostingStage> stages)
    {
        var resolved = pipeline.Resolve(environments)
            .Select(s => (s.Stage, s.Environment, Deployment: stages.Single(d => d.StageName == s.Environment.Name)))
            .ToList();
        var partition = Amazon.CDK.RegionInfo.RegionInfo.Get(pipeline.Toolchain.Region).Partition ?? "aws";
        var lines = new List<string>();
        for (var i = 0; i < resolved.Count; i++)
        {
            var (_, environment, deployment) = resolved[i];
            var checkRole = $"arn:{partition}:iam::{pipeline.Toolchain.Account}:role/{pipeline.CheckRoleName(environment.Name)}";
            if (deployment.Serving.Invoker is not null && !InvokerRole.AdmitsRole(environment.Invoker.ToProps([]), checkRole))
            {
                lines.Add($"{pipeline.File}: stages[{i}] '{environment.Name}': its invoker role does not trust the pipeline's check role {checkRole}, "
                    + $"which calls each model after the deployment: add it to invoker.trustedRoleArns in {environment.Source}");
            }
        }

        ConfigurationException.ThrowIfAny(lines);
        var stack = new DeliveryPipelineStack(app, PipelineStackId, new DeliveryPipelineStackProps
        {
            Config = pipeline,
            Stages = resolved,
            StackName = pipeline.StackName,
            Description = $"Delivery pipeline {pipeline.Name}: builds {pipeline.Source.Repository} ({pipeline.Source.Branch}) and deploys {string.Join(", ", resolved.Select(s => s.Environment.Name))}",
            Env = new Amazon.CDK.Environment { Account = pipeline.Toolchain.Account, Region = pipeline.Toolchain.Region },
            AnalyticsReporting = false,
        });
        PipelineNag.SuppressSupportStacks(app, pipeline.StackName);
        return stack;
    }
}
