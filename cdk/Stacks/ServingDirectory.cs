using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Directories;

namespace LlmHosting.App.Stacks;

/// <summary>
/// The model directory of a <see cref="ServingStack"/>: one document listing every model of the environment under its
/// configured name (SSM parameter <c>/&lt;namePrefix&gt;/model-directory</c> and the outputs <c>ModelDirectory</c>,
/// <c>ModelDirectoryParameterName</c>), readable by the invoker role.
/// </summary>
internal static class ServingDirectory
{
    /// <summary>The directory of what <paramref name="stack"/> has created, or null when it has no model.</summary>
    /// <param name="stack">The stack, its models created.</param>
    /// <param name="config">Its environment.</param>
    /// <param name="problems">Where the directory's problems go, in the configuration's words.</param>
    internal static ModelDirectory? Add(ServingStack stack, EnvironmentConfig config, ConstructProblems problems)
    {
        // Each model under the name and JSON path of its configuration entry, found by construct id: an entry whose
        // construct could not be created (its problems are reported) has no model and no directory entry.
        var entries = new List<(ModelDirectoryEntry Entry, string Path)>();
        var endpoints = stack.Endpoints.ToDictionary(e => e.Node.Id);
        for (var i = 0; i < config.Endpoints.Count; i++)
        {
            if (endpoints.GetValueOrDefault(config.Endpoints[i].ConstructId) is { } endpoint)
            {
                entries.Add((ModelDirectoryEntry.ForServedModel(endpoint, config.Endpoints[i].Name), $"endpoints[{i}]"));
            }
        }

        var components = stack.InferenceComponents.ToDictionary(c => c.Node.Id);
        var componentConfigs = config.ComponentEndpoint?.Components ?? [];
        for (var i = 0; i < componentConfigs.Count; i++)
        {
            if (components.GetValueOrDefault(componentConfigs[i].ConstructId) is { } component)
            {
                entries.Add((ModelDirectoryEntry.ForServedModel(component, componentConfigs[i].Name), $"{ComponentEndpointConfig.Path}.components[{i}]"));
            }
        }

        var adapters = stack.Adapters.ToDictionary(a => a.Node.Id);
        var adapterConfigs = config.ComponentEndpoint?.Adapters ?? [];
        for (var i = 0; i < adapterConfigs.Count; i++)
        {
            if (adapters.GetValueOrDefault(adapterConfigs[i].ConstructId) is { } adapter)
            {
                entries.Add((ModelDirectoryEntry.ForServedModel(adapter, adapterConfigs[i].Name), $"{AdapterComponentConfig.Path}[{i}]"));
            }
        }

        for (var i = 0; i < config.ModelImports.Count; i++)
        {
            if (stack.ModelImports.GetValueOrDefault(config.ModelImports[i].Name) is { } import)
            {
                entries.Add((ModelDirectoryEntry.ForImportedModel(import, config.ModelImports[i].Name), $"modelImports[{i}]"));
            }
        }

        var bedrockModels = stack.BedrockModels.ToDictionary(m => m.Node.Id);
        for (var i = 0; i < config.BedrockModels.Count; i++)
        {
            if (bedrockModels.GetValueOrDefault(config.BedrockModels[i].ConstructId) is { } model)
            {
                entries.Add((ModelDirectoryEntry.ForOnDemandModel(model, config.Invoker.BedrockApiKeys, config.BedrockModels[i].Name), $"{BedrockModelConfig.Path}[{i}]"));
            }
        }

        if (entries.Count == 0)
        {
            return null;
        }

        // The directory names an entry by its index; the configuration by the JSON path of the model it comes from.
        var keys = new PropsKeys(ServingIds.ModelDirectory, entries.SelectMany((e, i) => new[]
        {
            new KeyValuePair<string, string>($"{nameof(ModelDirectoryProps.Entries)}[{i}]", e.Path),
            new KeyValuePair<string, string>($"{nameof(ModelDirectoryProps.Entries)}[{i}].{nameof(ModelDirectoryEntry.Name)}", $"{e.Path}.name"),
        }));
        var directory = problems.Create(keys, () => new ModelDirectory(stack, ServingIds.ModelDirectory, new ModelDirectoryProps
        {
            Environment = config.Name,
            NamePrefix = config.NamePrefix,
            Entries = [.. entries.Select(e => e.Entry)],
        }));
        if (directory is not null && stack.Invoker is not null)
        {
            directory.GrantRead(stack.Invoker.Role);
        }

        return directory;
    }
}
