using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmHosting.App.Tests.Snapshots;
using LlmHosting.Cli;
using LlmHosting.Cli.Parsing;
using LlmHosting.Client;
using LlmHosting.TestSupport.Readme;
using LlmHosting.Tests.Shared;

namespace LlmHosting.App.Tests.Readme;

/// <summary>
/// Every README example names what exists: the environments, stacks, models, outputs, endpoints and resources it
/// uses are those of the synthesized app, and every <c>llmhost</c> command line parses with llmhost's own parser
/// (CliApp) without an unknown option. A stale example fails with its file and line.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed partial class ReadmeNamesTests(SynthesizedApp app)
{
    private static readonly string Root = ReadmeDocument.RepositoryRoot(AppContext.BaseDirectory);
    private static readonly IReadOnlyList<ReadmeDocument> Readmes = ReadmeDocument.All(Root);

    [Fact]
    public void LlmhostExamples_ParseWithTheCliAndNameEnvironmentsModelsAndPrefixesThatExist()
    {
        var problems = new List<string>();
        var checkedLines = 0;
        foreach (var command in Readmes.SelectMany(ShellCommands.Of))
        {
            if (ShellCommands.LlmhostArguments(command) is not { } args)
            {
                continue;
            }

            checkedLines++;
            var parse = CliApp.Build().Parse(args);
            if (parse.Errors.Count > 0)
            {
                problems.Add($"{command.At}: `llmhost {string.Join(' ', args)}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
                continue;
            }

            if (UnknownOptions.Find(parse) is { } unknown)
            {
                problems.Add($"{command.At}: {unknown}");
                continue;
            }

            problems.AddRange(Names(command.At, parse));
        }

        Assert.True(checkedLines >= 15, $"only {checkedLines} llmhost lines found in the READMEs");
        Assert.True(problems.Count == 0, "Stale llmhost examples:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void CdkExamples_NameEnvironmentsAndStacksThatExist()
    {
        var problems = new List<string>();
        foreach (var command in Readmes.SelectMany(ShellCommands.Of))
        {
            var args = ShellCommands.CdkArguments(command) ?? (command.Words.Count > 0 && command.Words[0] == "scripts/synth" ? command.Words.Skip(1).ToArray() : null);
            if (args is null)
            {
                continue;
            }

            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "-c" && i + 1 < args.Length && args[i + 1].StartsWith("env=", StringComparison.Ordinal) && !app.Environments.Contains(args[i + 1][4..]))
                {
                    problems.Add($"{command.At}: `-c {args[i + 1]}`: no such environment (known: {string.Join(", ", app.Environments)})");
                }
                else if (args[i].Contains('/') && !args[i].StartsWith('-') && !args[i].Contains(':') && !args[i].Contains('.'))
                {
                    var pattern = new Regex("^" + Regex.Escape(args[i]).Replace("\\*", ".*") + "$");
                    if (!app.StackDependencies.Keys.Any(pattern.IsMatch))
                    {
                        problems.Add($"{command.At}: stack '{args[i]}' matches no stack of the app ({string.Join(", ", app.StackDependencies.Keys.Order())})");
                    }
                }
                else if (args[i].StartsWith("aws://", StringComparison.Ordinal) && !Accounts().Contains(args[i]))
                {
                    problems.Add($"{command.At}: {args[i]} is the account and region of no environment ({string.Join(", ", Accounts())})");
                }
            }
        }

        Assert.True(problems.Count == 0, "Stale cdk examples:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void StacksEndpointsAndResourcesNamedInTheReadmes_Exist()
    {
        var problems = new List<string>();
        var endpoints = TemplateStrings("EndpointName");
        var components = TemplateStrings("InferenceComponentName");
        foreach (var readme in Readmes)
        {
            var lines = readme.Text.Split('\n');
            for (var n = 0; n < lines.Length; n++)
            {
                var at = new ReadmeLine(readme.RelativePath, n + 1);
                foreach (Match m in StackName().Matches(lines[n]))
                {
                    if (app.Environments.Contains(m.Groups[1].Value) && !app.StackDependencies.ContainsKey(m.Value))
                    {
                        problems.Add($"{at}: stack {m.Value} does not exist ({string.Join(", ", app.StackDependencies.Keys.Order())})");
                    }
                }

                foreach (Match m in SageMakerPath().Matches(lines[n]))
                {
                    if (!endpoints.Contains(m.Groups[1].Value))
                    {
                        problems.Add($"{at}: endpoint {m.Groups[1].Value} is no endpoint of the app ({string.Join(", ", endpoints.Order())})");
                    }

                    if (m.Groups[2].Success && !components.Contains(m.Groups[2].Value))
                    {
                        problems.Add($"{at}: inference component {m.Groups[2].Value} is no component of the app ({string.Join(", ", components.Order())})");
                    }
                }
            }

            problems.AddRange(ImpactExampleResources(readme));
            problems.AddRange(CSharpNames(readme, endpoints, components));
        }

        Assert.True(problems.Count == 0, "Stale names in the READMEs:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void OutputsNamedInTheReadmes_AreOutputsOfTheApp()
    {
        var outputs = app.Templates.Keys
            .Select(name => (JsonObject?)JsonNode.Parse(app.Templates[name])!["Outputs"])
            .SelectMany(o => o?.Select(p => p.Key) ?? [])
            .ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var readme in Readmes)
        {
            // Outputs a README's own example app declares are its own (the library quick start's stacks).
            var declared = readme.CodeBlocks.SelectMany(b => CfnOutputId().Matches(b.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
            var lines = readme.Text.Split('\n');
            foreach (var (at, code) in readme.InlineCode)
            {
                if (!lines[at.Line - 1].Contains("output", StringComparison.OrdinalIgnoreCase) || !OutputPattern().IsMatch(code))
                {
                    continue;
                }

                var pattern = new Regex("^" + Regex.Replace(Regex.Escape(code.Replace("...", "\u0001")).Replace("\u0001", ".*"), "<[^>]*>", "[A-Za-z0-9]+") + "$");
                if (!outputs.Any(pattern.IsMatch) && !declared.Any(pattern.IsMatch))
                {
                    problems.Add($"{at}: `{code}` is named as an output, but no stack of the app has such an output");
                }
            }
        }

        Assert.True(problems.Count == 0, "Stale output names in the READMEs:\n" + string.Join("\n", problems));
    }

    /// <summary>What an llmhost command line names: its environment, and in that environment its model, target and prefix.</summary>
    private IEnumerable<string> Names(ReadmeLine at, ParseResult parse)
    {
        string? Value(string option) => parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .FirstOrDefault(o => o.Option.Name == option && !o.Implicit)?.Tokens.FirstOrDefault()?.Value;
        var line = $"`llmhost {string.Join(' ', parse.Tokens.Select(t => t.Value))}`";
        if (Value("--env") is not { } environment)
        {
            yield break;
        }

        if (!app.Environments.Contains(environment))
        {
            yield return $"{at}: {line}: no environment '{environment}' (known: {string.Join(", ", app.Environments)})";
            yield break;
        }

        if (Value("--model") is { } model && Value("--base-url") is null && Value("--target") is null)
        {
            var names = Directory(environment).Models.Select(m => m.Name).ToList();
            if (!names.Contains(model))
            {
                yield return $"{at}: {line}: {environment} has no model '{model}' (its model directory: {string.Join(", ", names)})";
            }
        }

        if (Value("--target") is { } target)
        {
            var outputs = app.Template(environment)["Outputs"]!.AsObject().Where(o => o.Key.EndsWith("OpenAiBaseUrl", StringComparison.Ordinal));
            if (!outputs.Any(o => (o.Key + o.Value!.ToJsonString()).Contains(target, StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{at}: {line}: no OpenAiBaseUrl output of {environment} matches --target '{target}'";
            }
        }

        if (Value("--prefix") is { } prefix && !app.Template(environment).ToJsonString().Contains("/" + prefix, StringComparison.Ordinal))
        {
            yield return $"{at}: {line}: no model of {environment} reads the prefix '{prefix}'";
        }
    }

    private ModelDirectory Directory(string environment)
    {
        var template = app.Template(environment);
        var parameter = template["Resources"]!.AsObject().Select(r => r.Value!).Single(r => (string?)r["Type"] == "AWS::SSM::Parameter")["Properties"]!;
        return ModelDirectory.Parse(new ArnRenderer(template).Render(parameter["Value"]), $"{environment} template");
    }

    /// <summary>The resources of an impact example (<c>staging/Serving</c> then <c>REPLACE  Id (AWS::Type)</c> lines) exist in that stack with that type.</summary>
    private IEnumerable<string> ImpactExampleResources(ReadmeDocument readme)
    {
        foreach (var block in readme.CodeBlocks.Where(b => b.Language == "text"))
        {
            string? stack = null;
            foreach (var (line, text) in block.Lines)
            {
                if (StackName().Match(text) is { Success: true } s && text.Trim() == s.Value)
                {
                    stack = s.Value;
                }
                else if (stack is not null && ImpactResource().Match(text) is { Success: true } r
                    && app.Templates.TryGetValue(stack.Replace('/', '.') + ".template.json", out var json))
                {
                    var type = (string?)JsonNode.Parse(json)!["Resources"]?[r.Groups[1].Value]?["Type"];
                    if (type != r.Groups[2].Value)
                    {
                        yield return $"{new ReadmeLine(readme.RelativePath, line)}: {stack} has no {r.Groups[2].Value} {r.Groups[1].Value}{(type is null ? "" : $" (it is a {type})")}";
                    }
                }
            }
        }
    }

    /// <summary>Names in C# examples: models asked of a directory, SageMaker endpoints and components whose URL is built.</summary>
    private IEnumerable<string> CSharpNames(ReadmeDocument readme, HashSet<string> endpoints, HashSet<string> components)
    {
        var prefix = readme.CodeBlocks.Select(b => ParameterName().Match(b.Text)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        var environment = app.Environments.FirstOrDefault(e => $"llm-{e}" == prefix);
        var known = (environment is null ? app.Environments : [environment]).SelectMany(e => Directory(e).Models.Select(m => m.Name)).ToHashSet();
        foreach (var block in readme.CodeBlocks.Where(b => b.Language is "csharp" or "cs"))
        {
            foreach (var (line, text) in block.Lines)
            {
                var at = new ReadmeLine(readme.RelativePath, line);
                foreach (Match m in DirectoryModel().Matches(text))
                {
                    var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                    if (!known.Contains(name))
                    {
                        yield return $"{at}: model '{name}' is not in the model directory of {environment ?? "any environment"} ({string.Join(", ", known)})";
                    }
                }

                foreach (Match m in BaseUrlCall().Matches(text))
                {
                    if (!endpoints.Contains(m.Groups[1].Value))
                    {
                        yield return $"{at}: endpoint {m.Groups[1].Value} is no endpoint of the app";
                    }

                    if (m.Groups[2].Success && !components.Contains(m.Groups[2].Value))
                    {
                        yield return $"{at}: inference component {m.Groups[2].Value} is no component of the app ({string.Join(", ", components.Order())})";
                    }
                }
            }
        }
    }

    private HashSet<string> TemplateStrings(string property) => app.Templates.Values
        .SelectMany(json => JsonNode.Parse(json)!["Resources"]!.AsObject())
        .Select(r => r.Value!["Properties"]?[property])
        .OfType<JsonValue>()
        .Select(v => v.ToString())
        .ToHashSet(StringComparer.Ordinal);

    // The environments', and the toolchain of the README's pipeline example (the pipeline tests' fixture).
    private static HashSet<string> Accounts() => System.IO.Directory.GetFiles(Path.Combine(Root, "cdk", "config"), "*.json")
        .Where(f => Path.GetFileName(f) != LlmHosting.App.Configuration.PipelineConfig.FileName)
        .Select(f => JsonNode.Parse(File.ReadAllText(f))!)
        .Select(c => $"aws://{c["account"]}/{c["region"]}")
        .Append(JsonNode.Parse(LlmHosting.App.Tests.Pipeline.SynthesizedPipeline.FixtureJson)!["toolchain"] is { } t ? $"aws://{t["account"]}/{t["region"]}" : "")
        .ToHashSet();

    [GeneratedRegex(@"(?<![\w/.-])([a-z][a-z0-9-]*)/([A-Z][A-Za-z0-9]*)\b")]
    private static partial Regex StackName();

    [GeneratedRegex(@"/endpoints/([a-z0-9][a-zA-Z0-9-]*)(?:/inference-components/([a-z0-9][a-zA-Z0-9-]*))?")]
    private static partial Regex SageMakerPath();

    [GeneratedRegex(@"^\s*(?:REPLACE|may REPLACE|update|custom update|add|remove)\s+(\w+) \(((?:AWS|Custom)::[\w:]+)\)")]
    private static partial Regex ImpactResource();

    [GeneratedRegex(@"ParameterName\(""([^""]+)""\)")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"\.Get\(""([^""]+)""\)|CreateChatClient\(directory, ""([^""]+)""")]
    private static partial Regex DirectoryModel();

    [GeneratedRegex(@"SageMakerOpenAi\.BaseUrl\(""[^""]*"", ""([^""]+)""(?:, inferenceComponentName: ""([^""]+)"")?")]
    private static partial Regex BaseUrlCall();

    [GeneratedRegex(@"new CfnOutput\(this, ""(\w+)""")]
    private static partial Regex CfnOutputId();

    // Output keys end with what they hold: ...Name, ...Arn, ...Url, a ModelDirectory document.
    [GeneratedRegex(@"^(\.\.\.)?[A-Z<][A-Za-z0-9<>]*(Name|Arn|Url|Directory|Id)(<[A-Za-z]+>)?$")]
    private static partial Regex OutputPattern();
}
