using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;

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
}
