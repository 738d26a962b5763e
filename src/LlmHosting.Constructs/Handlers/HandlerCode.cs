using System.Security.Cryptography;
using System.Text;
using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;

namespace LlmHosting.Constructs.Handlers;

/// <summary>Where the handler code of the custom resources comes from.</summary>
/// <param name="RepositoryRoot">The source checkout that holds <c>lambda/Handlers</c>, or null.</param>
/// <param name="PrebuiltDirectory">The published handler shipped in the NuGet package, or null.</param>
internal sealed record HandlerLocation(string? RepositoryRoot, string? PrebuiltDirectory);

/// <summary>
/// Finds the handler code of every custom resource of the library (one assembly, <c>LlmHosting.Handlers</c>, so one
/// asset published once) from the location of this assembly, never from the working directory: the published
/// handlers that the NuGet package places next to the assembly when there are, otherwise the <c>lambda/Handlers</c>
/// project of the source checkout the assembly was built in, published with <c>dotnet publish</c> through local
/// bundling at synth time. The asset hash is computed over the handlers' sources, so unchanged handlers reuse the
/// asset already in <c>cdk.out</c> without publishing again.
/// </summary>
internal static class HandlerCode
{
    internal const string ProjectFolder = "lambda/Handlers";
    internal const string ProjectFile = "LlmHosting.Handlers.csproj";

    /// <summary>The handlers' assembly: the first part of every handler name.</summary>
    internal const string AssemblyName = "LlmHosting.Handlers";

    /// <summary>Folder, next to the construct assembly, of the prebuilt handlers in the NuGet package.</summary>
    internal const string PrebuiltFolder = "llmhosting-handlers/LlmHosting.Handlers";

    /// <summary>The .NET 10 managed Lambda runtime (CDK 2.160 has no constant for it).</summary>
    internal static readonly Runtime Runtime = new("dotnet10", RuntimeFamily.DOTNET_CORE);

    /// <summary>Sources the handler is built from, relative to the repository root (folders end with '/').</summary>
    internal static readonly IReadOnlyList<string> Sources =
    [
        ProjectFolder + "/",
        "src/LlmHosting.ModelValidation/",
        "src/Shared/",
        "src/LlmHosting.Constructs/Bedrock/ModelImportEvents.cs",
        "Directory.Build.props",
        "Directory.Packages.props",
    ];

    /// <summary>Part of the hash: change it when the publish command changes.</summary>
    private const string Recipe = "dotnet publish -c Release (framework-dependent, dotnet10) v1";

    // Located and hashed once per process: every function of every stack shares the same asset.
    private static readonly Lazy<HandlerLocation> Location = new(() => Locate(Path.GetDirectoryName(typeof(HandlerCode).Assembly.Location)!));

    /// <summary>The handler name of <paramref name="type"/>'s <paramref name="method"/>, for example <c>LlmHosting.Handlers::LlmHosting.Lambda.WeightsGate.Handler::OnEvent</c>.</summary>
    internal static string HandlerName(string type, string method) => $"{AssemblyName}::{type}::{method}";

    public static Code Get() => Get(Location.Value);

    public static Code Get(HandlerLocation location)
    {
        if (location.PrebuiltDirectory is not null)
        {
            return Code.FromAsset(location.PrebuiltDirectory);
        }

        var root = location.RepositoryRoot!;
        var project = Path.Combine(root, ProjectFolder, ProjectFile);
        return Code.FromAsset(Path.Combine(root, ProjectFolder), new Amazon.CDK.AWS.S3.Assets.AssetOptions
        {
            AssetHashType = AssetHashType.CUSTOM,
            AssetHash = SourceHash(root),
            Bundling = new BundlingOptions
            {
                // Required by CDK, never pulled: local bundling always succeeds or throws.
                Image = DockerImage.FromRegistry("mcr.microsoft.com/dotnet/sdk:10.0"),
                Local = new DotnetPublishBundling(project),
            },
        });
    }

    /// <summary>Finds the handler from the folder of the construct assembly.</summary>
    public static HandlerLocation Locate(string assemblyDirectory)
    {
        var prebuilt = Path.Combine(assemblyDirectory, PrebuiltFolder);
        if (File.Exists(Path.Combine(prebuilt, AssemblyName + ".dll")))
        {
            return new HandlerLocation(null, prebuilt);
        }

        for (var directory = new DirectoryInfo(assemblyDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, ProjectFolder, ProjectFile)))
            {
                return new HandlerLocation(directory.FullName, null);
            }
        }

        throw new InvalidOperationException(
            $"LlmHosting.Constructs cannot find its custom resource handlers: neither {PrebuiltFolder}/ next to {assemblyDirectory} (shipped by the "
            + $"LlmHosting.Constructs NuGet package) nor a {ProjectFolder}/{ProjectFile} in a folder above it.");
    }

    /// <summary>SHA-256 over the relative path and content of every handler source, bin/ and obj/ excluded.</summary>
    public static string SourceHash(string repositoryRoot)
    {
        var files = new List<string>();
        foreach (var source in Sources)
        {
            var path = Path.Combine(repositoryRoot, source);
            if (source.EndsWith('/'))
            {
                if (!Directory.Exists(path))
                {
                    continue;
                }

                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetRelativePath(path, f).Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj")));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(Recipe + "\n"));
        foreach (var file in files.Select(f => (Full: f, Relative: Path.GetRelativePath(repositoryRoot, f).Replace('\\', '/'))).OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Relative + "\n"));
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(file.Full)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
