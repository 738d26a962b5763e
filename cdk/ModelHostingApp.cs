using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;

namespace LlmHosting.App;

/// <summary>Builds the app's stages from validated configuration; shared by <c>Program</c> and the tests.</summary>
public static class ModelHostingApp
{
    /// <summary>Adds one stage per environment to <paramref name="app"/>.</summary>
    public static IReadOnlyList<ModelHostingStage> AddEnvironments(Amazon.CDK.App app, IEnumerable<EnvironmentConfig> environments)
    {
        return environments.Select(env => new ModelHostingStage(app, env)).ToList();
    }
}
