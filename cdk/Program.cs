using LlmHosting.App;
using LlmHosting.App.Configuration;

// The only place that reads context, files or the environment: everything below gets typed, validated configuration.
try
{
    // The environments are read where people edit them: cdk/config under the folder the app runs in, which is the folder
    // of cdk.json when the CDK CLI runs it. Never a copy in the build output, which would go stale between builds.
    // Read before the CDK app starts its jsii runtime, so that a mistake in a file is named at once.
    var configDirectory = Path.Combine(Directory.GetCurrentDirectory(), "cdk", "config");
    var catalog = EnvironmentCatalog.Load(configDirectory);
    // Off without cdk/config/pipeline.json; synthesized with every environment, not with one selected by -c env.
    var pipeline = PipelineConfig.Load(configDirectory, catalog);
    var app = new Amazon.CDK.App();
    var selection = app.Node.TryGetContext("env") as string;
    var environments = catalog.Select(selection);
    // Constructs check what only they can (for example whether a model fits the GPUs); their problems come back in
    // the configuration's words.
    var stages = ModelHostingApp.AddEnvironments(app, environments);
    if (pipeline is not null && string.IsNullOrWhiteSpace(selection))
    {
        ModelHostingApp.AddPipeline(app, pipeline, catalog.Environments, stages);
    }

    app.Synth();
    return 0;
}
catch (ConfigurationException e)
{
    foreach (var line in e.Lines)
    {
        Console.Error.WriteLine($"error: {line}");
    }

    return 1;
}
catch (Exception e) when (Environment.GetEnvironmentVariable("CDK_DEBUG") is not ("true" or "1"))
{
    // A mistake no check names yet still ends in one line; `cdk synth --debug` (CDK_DEBUG) shows the stack trace.
    Console.Error.WriteLine($"error: synthesis failed: {e.Message.Split('\n')[0].Trim()} (run cdk synth --debug for details)");
    return 1;
}
