using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

/// <summary>One moto_server for the test classes of this assembly that read S3 (each start costs about 2.5 s of CPU).</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto_server";
}
