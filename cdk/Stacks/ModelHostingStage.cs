using Amazon.CDK;
using Constructs;
using LlmHosting.App.Configuration;

namespace LlmHosting.App.Stacks;

/// <summary>
/// One environment: a CDK stage (cloud assembly <c>assembly-&lt;name&gt;</c>) holding a <see cref="StorageStack"/>
/// (<c>&lt;env&gt;/Storage</c>, the model bucket) and a <see cref="ServingStack"/> (<c>&lt;env&gt;/Serving</c>, everything
/// that reads from it), deployed in that order.
/// </summary>
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
        Tags.Of(this).Add("owner", config.Tags.Owner);
        Tags.Of(this).Add("cost-centre", config.Tags.CostCentre);
        Tags.Of(this).Add("environment", config.Name);

        var bucket = config.ModelBucket;
        if (!bucket.UsesExistingBucket)
        {
            Storage = new StorageStack(this, "Storage", new StorageStackProps
            {
                Config = config,
                StackName = config.StorageStackName,
                Description = $"Model weights of the {config.Name} environment (deploy and fill before Serving)",
                AnalyticsReporting = false,
                // A retained bucket holds weights that take hours to upload: deleting its stack takes two steps.
                TerminationProtection = !bucket.Destroy,
            });
        }

        Serving = new ServingStack(this, "Serving", new ServingStackProps
        {
            Config = config,
            ModelBucketName = bucket.ExistingBucketName ?? ModelBucketConfig.OwnBucketName(config),
            StackName = config.ServingStackName,
            Description = $"Open-weight LLM serving for the {config.Name} environment",
            AnalyticsReporting = false,
        });
        if (Storage is not null)
        {
            // The bucket is referenced by name, not by a cross-stack export, so the order is stated here.
            Serving.AddDependency(Storage, "Serving reads the model weights from the Storage stack's bucket");
        }
    }

    /// <summary>The environment's stateful stack (the model bucket), or null when it uses an existing bucket.</summary>
    public StorageStack? Storage { get; }

    /// <summary>The environment's serving stack.</summary>
    public ServingStack Serving { get; }
}
