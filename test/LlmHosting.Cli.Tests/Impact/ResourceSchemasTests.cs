using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>The embedded replacement rules against their source, cfn-lint's resource schemas.</summary>
public sealed class ResourceSchemasTests
{
    [Fact]
    public async Task EmbeddedData_MatchesTheInstalledCfnLint()
    {
        // A missing python3 or cfn-lint is a failure, not a skip: the installed schemas are the reference.
        var script = Path.Combine(AssemblyLayouts.RepositoryRoot(), "scripts", "generate-impact-schemas");
        using var process = Process.Start(new ProcessStartInfo("python3", [script, "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("python3 could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"scripts/generate-impact-schemas failed (python3 with cfn-lint installed?): {await stderr}");
        Assert.True(await stdout == ResourceSchemas.EmbeddedText(),
            "The embedded cfn-replacement-data.json differs from the installed cfn-lint's schemas: run scripts/generate-impact-schemas and review the diff.");
    }

    [Fact]
    public void EmbeddedData_HasTheRulesTheAppDependsOn()
    {
        var schemas = ResourceSchemas.Default;

        Assert.StartsWith("cfn-lint ", schemas.Source);
        Assert.Contains("PrimaryContainer", schemas.Find("AWS::SageMaker::Model")!.CreateOnly.Select(p => p.ToString()));
        Assert.Contains("ProductionVariants", schemas.Find("AWS::SageMaker::EndpointConfig")!.CreateOnly.Select(p => p.ToString()));
        Assert.Equal(["EndpointName"], schemas.Find("AWS::SageMaker::Endpoint")!.CreateOnly.Select(p => p.ToString()));
        Assert.Equal("BucketName", schemas.Find("AWS::S3::Bucket")!.NameProperty);
        Assert.Equal("PolicyName", schemas.Find("AWS::ApplicationAutoScaling::ScalingPolicy")!.NameProperty);
        Assert.Null(schemas.Find("AWS::KMS::Key")!.NameProperty);
        Assert.Null(schemas.Find("Custom::BedrockModelImport"));
    }

    [Fact]
    public void SchemaPointer_WithWildcard_MatchesEveryItemAndSelectsTheirValues()
    {
        var pattern = PropertyPath.FromSchemaPointer("/properties/ProductionVariants/*/ModelName");
        var properties = JsonNode.Parse("""{ "ProductionVariants": [ { "ModelName": "a" }, { "ModelName": "b", "InstanceType": "x" } ] }""");

        Assert.True(PropertyPath.Root.Property("ProductionVariants").Index(1).Property("ModelName").IsWithin(pattern));
        Assert.False(PropertyPath.Root.Property("ProductionVariants").Index(1).Property("InstanceType").IsWithin(pattern));
        Assert.True(PropertyPath.Root.Property("ProductionVariants").Contains(pattern));
        Assert.Equal(["a", "b"], pattern.Select(properties).Select(v => (string)v!));
        Assert.Equal("ProductionVariants[1].ModelName", PropertyPath.Root.Property("ProductionVariants").Index(1).Property("ModelName").ToString());
    }

    [Fact]
    public void References_FindRefGetAttSubAndImport_ButNotSubLocalsOrEscapes()
    {
        var value = JsonNode.Parse("""
            { "Fn::Join": ["", [ { "Ref": "A" }, { "Fn::GetAtt": "B.Arn" }, { "Fn::Sub": "${C}-${D.Name}-${!E}-${AWS::Region}" },
              { "Fn::Sub": ["${Local}-${F}", { "Local": { "Ref": "G" } }] }, { "Fn::ImportValue": "Exported" } ]] }
            """);

        var references = TemplateReferences.Find(value).ToList();

        Assert.Equal(["A", "B", "C", "D", "AWS::Region", "F", "G"], references.Where(r => !r.IsImport).Select(r => r.Target));
        Assert.Equal(["Exported"], references.Where(r => r.IsImport).Select(r => r.Target));
    }
}
