using System.Reflection;

namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// Only the app command's collections run in parallel with the construct tests (AssemblyInfo.cs): a new collection
/// that calls constructs would share the jsii runtime with another thread and fail at random.
/// </summary>
public sealed class ProcessCollectionsTests
{
    [Fact]
    public void EveryCollectionThatMayRunInParallel_IsOneOfTheProcessCollections()
    {
        var types = typeof(ProcessCollectionsTests).Assembly.GetTypes();
        var serial = types
            .SelectMany(t => t.GetCustomAttributesData())
            .Where(a => a.AttributeType == typeof(CollectionDefinitionAttribute)
                && a.NamedArguments.Any(n => n.MemberName == nameof(CollectionDefinitionAttribute.DisableParallelization) && (bool)n.TypedValue.Value!))
            .Select(a => (string)a.ConstructorArguments[0].Value!)
            .ToHashSet(StringComparer.Ordinal);
        var parallel = types
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FactAttribute>() is not null))
            .Select(t => (Class: t.Name, Collection: CollectionOf(t)))
            .Where(c => c.Collection is not null && !serial.Contains(c.Collection))
            .ToList();

        Assert.All(parallel, c => Assert.True(
            ProcessCollections.Names.Contains(c.Collection!),
            $"{c.Class} is in collection '{c.Collection}', which runs in parallel with the construct tests; give its definition DisableParallelization = true, or, if it never calls a construct in this process, add it to ProcessCollections.Names"));
        Assert.Contains(parallel, c => c.Collection == AppCommandFixture.Collection);
    }

    private static string? CollectionOf(Type type) => type.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(CollectionAttribute))
        .Select(a => (string?)a.ConstructorArguments[0].Value)
        .FirstOrDefault();
}
