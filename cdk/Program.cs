using Amazon.CDK;
using LlmHosting.App;
using LlmHosting.App.Configuration;

// The only place that reads context or files: everything below gets typed, validated configuration.
var app = new Amazon.CDK.App();
try
{
    var catalog = EnvironmentCatalog.Load(Path.Combine(AppContext.BaseDirectory, "config"));
    var environments = catalog.Select(app.Node.TryGetContext("env") as string);
    // Constructs check what only they can (for example whether a model fits the GPUs) and say so in one line.
    ModelHostingApp.AddEnvironments(app, environments);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

app.Synth();
return 0;
