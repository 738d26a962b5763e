using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>
/// A variant with instance pools has no InstanceType (pools replace it: SageMaker developer guide, "Deploy to multiple
/// instance types with instance pools"); the handler then compares the pools' types, in priority order, with the
/// resources' InstanceType, which the construct writes in the same form.
/// </summary>
public sealed class InstancePoolTypesTests
{
    [Fact]
    public void PoolTypes_AreJoinedInPriorityOrder_WhateverTheListOrder()
    {
        var variant = JsonNode.Parse("""
            { "VariantName": "AllTraffic", "InstancePools": [
              { "InstanceType": "ml.p5e.48xlarge", "Priority": 2 },
              { "InstanceType": "ml.p5.48xlarge", "Priority": 1, "ModelNameOverride": "m" } ] }
            """)!.AsObject();
        Assert.Equal("ml.p5.48xlarge,ml.p5e.48xlarge", SageMakerClient.PoolTypes(variant));
    }

    [Fact]
    public void PoolTypes_WithoutPools_IsNull()
        => Assert.Null(SageMakerClient.PoolTypes(JsonNode.Parse("""{ "VariantName": "AllTraffic", "InstanceType": "ml.p5.48xlarge" }""")!.AsObject()));
}
