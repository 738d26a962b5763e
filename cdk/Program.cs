using Amazon.CDK;
using LlmHosting.App;
using LlmHosting.App.Configuration;

// The only place that reads context or files: everything below gets typed, validated configuration.
var app = new Amazon.CDK.App();
IReadOnlyList<EnvironmentConfig> environments;
try
{
    var catalog = EnvironmentCatalog.Load(Path.Combine(AppContext.BaseDirectory, "config"));
    environments = catalog.Select(app.Node.TryGetContext("env") as string);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

ModelHostingApp.AddEnvironments(app, environments);
app.Synth();
return 0;
