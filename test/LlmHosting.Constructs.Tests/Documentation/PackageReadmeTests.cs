using Constructs;

namespace LlmHosting.Constructs.Tests.Documentation;

/// <summary>
/// The package README (src/LlmHosting.Constructs/README.md, the page NuGet shows) names every public construct and
/// aspect of the library, so that a new construct cannot ship undocumented. scripts/check-package-consumer checks the
/// packed README the same way (from the sources); this test finds the gap at `dotnet test` time.
/// </summary>
public sealed class PackageReadmeTests
{
    [Fact]
    public void PackageReadme_NamesEveryPublicConstructAndAspect()
    {
        var root = RepositoryRoot(AppContext.BaseDirectory);
        var readme = File.ReadAllText(Path.Combine(root, "src", "LlmHosting.Constructs", "README.md"));
        var library = typeof(LlmHosting.Constructs.Storage.ModelBucket).Assembly;
        var published = library.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && (typeof(Construct).IsAssignableFrom(t) || typeof(Amazon.CDK.IAspect).IsAssignableFrom(t)))
            .Select(t => t.Name)
            .ToList();

        Assert.NotEmpty(published);
        Assert.Empty(published.Where(name => !readme.Contains($"`{name}`", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    private static string RepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Infra.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Infra.sln above {start}");
    }
}
