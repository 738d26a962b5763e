using Amazon.CDK;
using Constructs;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Aspects;

namespace LlmHosting.App.Stacks;

/// <summary>One environment: a CDK stage (cloud assembly <c>assembly-&lt;name&gt;</c>) holding its stacks.</summary>
public sealed class ModelHostingStage : Stage
{
    /// <summary>Creates the stage of one environment.</summary>
    /// <param name="scope">The app.</param>
    /// <param name="config">The environment's validated configuration; its name becomes the stage id.</param>
    public ModelHostingStage(Construct scope, EnvironmentConfig config)
        : base(scope, config.Name, new StageProps
        {
            Env = new Amazon.CDK.Environment { Account = config.Account, Region = config.Region },
        })
    {
        // Aspects stop at stage boundaries, so each stage gets its own.
        Aspects.Of(this).Add(new NodejsRuntimeUpgrade());
        Tags.Of(this).Add("owner", config.Tags.Owner);
        Tags.Of(this).Add("cost-centre", config.Tags.CostCentre);
        Tags.Of(this).Add("environment", config.Name);

        ModelHosting = new ModelHostingStack(this, "ModelHosting", new ModelHostingStackProps
        {
            Config = config,
            StackName = $"{config.NamePrefix}-model-hosting",
            Description = $"Open-weight LLM hosting for the {config.Name} environment",
            AnalyticsReporting = false,
        });
    }

    /// <summary>The environment's stack.</summary>
    public ModelHostingStack ModelHosting { get; }
}
