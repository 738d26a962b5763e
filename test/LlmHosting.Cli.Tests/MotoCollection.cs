using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests;

/// <summary>One moto_server for every test class of this assembly that needs S3, rather than one per class: starting it costs CPU that the other test projects running at the same time need.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto_server";
}
