using System.Text;
using System.Text.RegularExpressions;
using LlmHosting.TestSupport.Readme;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LlmHosting.Cli.Tests.Readme;

/// <summary>
/// Every C# example of the READMEs compiles, in-process with Roslyn against the assemblies this test runs with (the
/// construct library, CDK, the client, OpenAI, the AWS SDK). Whole files (with a namespace or class) compile as they
/// stand, together per README; a fragment compiles as the body of a method of a <c>Stack</c> (so <c>this</c> is a
/// scope), with the usings of its README's kind and, as parameters, the variables the README's text introduces
/// elsewhere (<c>weights</c>, <c>appRole</c>...). An error names the README line.
/// </summary>
public sealed partial class ReadmeCSharpTests
{
    private static readonly string Root = ReadmeDocument.RepositoryRoot(AppContext.BaseDirectory);

    private static readonly string[] ConstructUsings =
    [
        "System", "System.Collections.Generic", "Amazon.CDK", "Amazon.CDK.AWS.IAM", "Amazon.CDK.AWS.S3", "Amazon.CDK.AWS.CloudWatch", "Constructs",
        "LlmHosting.Constructs.Storage", "LlmHosting.Constructs.Sagemaker", "LlmHosting.Constructs.Sagemaker.Components", "LlmHosting.Constructs.Bedrock",
        "LlmHosting.Constructs.Bedrock.OnDemand", "LlmHosting.Constructs.Events", "LlmHosting.Constructs.Access", "LlmHosting.Constructs.Logs",
        "LlmHosting.Constructs.Aspects", "LlmHosting.Constructs.Weights",
    ];

    /// <summary>What a .NET SDK project with ImplicitUsings (the default of <c>dotnet new</c>) imports.</summary>
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] ClientUsings = ["System", "System.Net.Http", "LlmHosting.Client", "OpenAI.Chat", "OpenAI.Responses"];

    /// <summary>Variables the README text takes as given, by name: a fragment that uses one without declaring it gets it as a parameter.</summary>
    private static readonly Dictionary<string, string> Given = new()
    {
        ["weights"] = "LlmHosting.Constructs.Storage.IModelBucket",
        ["role"] = "Amazon.CDK.AWS.IAM.IRole",
        ["appRole"] = "Amazon.CDK.AWS.IAM.IRole",
        ["clientRole"] = "Amazon.CDK.AWS.IAM.IRole",
        ["invokerRole"] = "Amazon.CDK.AWS.IAM.IRole",
        ["handlerRole"] = "Amazon.CDK.AWS.IAM.IRole",
        ["executionRole"] = "Amazon.CDK.AWS.IAM.IRole",
        ["grantee"] = "Amazon.CDK.AWS.IAM.IGrantable",
        ["endpoint"] = "LlmHosting.Constructs.Sagemaker.VllmEndpoint",
        ["gptOss20bComponent"] = "LlmHosting.Constructs.Sagemaker.Components.InferenceComponent",
        ["import"] = "LlmHosting.Constructs.Bedrock.BedrockModelImport",
        ["gptOss120b"] = "LlmHosting.Constructs.Bedrock.OnDemand.BedrockOnDemandModel",
        ["ops"] = "LlmHosting.Constructs.Events.ModelOperationsEvents",
        ["latencyAlarm"] = "Amazon.CDK.AWS.CloudWatch.IAlarm",
        ["noCapacityAlarm"] = "Amazon.CDK.AWS.CloudWatch.IAlarm",
        ["directory"] = "LlmHosting.Client.ModelDirectory",
        ["app"] = "Amazon.CDK.App",
        ["stack"] = "Amazon.CDK.Stack",
    };

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    [Fact]
    public void CSharpExamples_Compile()
    {
        var fragments = new List<(ReadmeDocument Readme, CodeExample Block, List<string> Parameters)>();
        var files = new List<CodeExample>();
        foreach (var readme in ReadmeDocument.All(Root))
        {
            foreach (var block in readme.CodeBlocks.Where(b => b.Language is "csharp" or "cs"))
            {
                if (IsWholeFile(block))
                {
                    files.Add(block);
                }
                else
                {
                    fragments.Add((readme, block, []));
                }
            }
        }

        Assert.True(files.Count + fragments.Count >= 20, $"only {files.Count + fragments.Count} C# examples found");

        // One compilation for every example (binding is what costs); a second one where the first found given variables missing.
        List<Diagnostic> errors = [];
        for (var pass = 0; pass < 2; pass++)
        {
            var trees = files.Select(b => Tree(b, Located(b, b.Lines))).Concat(fragments.Select((f, i) => Fragment(i, f.Readme, f.Block, f.Parameters))).ToList();
            errors = Compilation(trees).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var missing = errors.Where(d => d.Id == "CS0103" && d.Location.SourceTree?.FilePath.StartsWith("fragment ", StringComparison.Ordinal) == true)
                .Select(d => (Index: int.Parse(d.Location.SourceTree!.FilePath.Split(' ')[1]), Name: d.GetMessage().Split('\'')[1]))
                .Where(m => Given.ContainsKey(m.Name))
                .Distinct()
                .ToList();
            if (missing.Count == 0)
            {
                break;
            }

            missing.ForEach(m => fragments[m.Index].Parameters.Add($"{Given[m.Name]} {m.Name}"));
        }

        Assert.True(errors.Count == 0, "C# examples that do not compile:\n" + string.Join("\n", errors.Select(Describe)));
    }

    /// <summary>A fragment as the body of an async method of a Stack, with its README kind's usings and the given variables it uses.</summary>
    private static SyntaxTree Fragment(int index, ReadmeDocument readme, CodeExample block, List<string> parameters)
    {
        var usings = block.Lines.Where(l => UsingDirective().IsMatch(l.Text)).ToList();
        var body = block.Lines.Except(usings).ToList();
        var kindUsings = readme.RelativePath.StartsWith("src/LlmHosting.Constructs/", StringComparison.Ordinal) ? ConstructUsings
            : readme.RelativePath.StartsWith("src/LlmHosting.Client/", StringComparison.Ordinal) ? ClientUsings
            : [];
        var source = new StringBuilder();
        source.AppendLine(string.Join("\n", ImplicitUsings.Concat(kindUsings).Distinct().Select(u => $"using {u};")));
        source.AppendLine(Located(block, usings));
        source.AppendLine("#line default");
        source.AppendLine($"namespace Readme{index};");
        source.AppendLine("public sealed class Snippet : Amazon.CDK.Stack");
        source.AppendLine("{");
        source.AppendLine("    public Snippet(Constructs.Construct scope) : base(scope, \"Snippet\") { }");
        source.AppendLine($"    public async Task Run({string.Join(", ", parameters)})");
        source.AppendLine("    {");
        source.AppendLine(Located(block, body));
        source.AppendLine("#line default");
        source.AppendLine("        await Task.CompletedTask;");
        source.AppendLine("    }");
        source.AppendLine("}");
        return CSharpSyntaxTree.ParseText(source.ToString(), new CSharpParseOptions(LanguageVersion.Latest), path: $"fragment {index}");
    }

    private static CSharpCompilation Compilation(IEnumerable<SyntaxTree> trees) => CSharpCompilation.Create(
        "ReadmeExamples",
        trees,
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));

    private static SyntaxTree Tree(CodeExample block, string source) =>
        CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: block.Start.File);

    /// <summary>The lines, each preceded by a #line directive naming its README line, so that diagnostics name the README.</summary>
    private static string Located(CodeExample block, IEnumerable<(int Line, string Text)> lines) =>
        string.Join("\n", lines.Select(l => $"#line {l.Line} \"{block.Start.File}\"\n{l.Text}"));

    private static string Describe(Diagnostic d)
    {
        var span = d.Location.GetMappedLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}: {d.Id} {d.GetMessage()}";
    }

    private static bool IsWholeFile(CodeExample block) => block.Lines.Any(l => WholeFileLine().IsMatch(l.Text));

    [GeneratedRegex(@"^using [A-Za-z][\w.]*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^\s*(namespace\s|(public\s+|internal\s+)?(sealed\s+)?(class|record|interface)\s)")]
    private static partial Regex WholeFileLine();
}
