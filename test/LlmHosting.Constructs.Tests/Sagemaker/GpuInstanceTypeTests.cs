using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.Constructs.Tests.Sagemaker;

public sealed class GpuInstanceTypeTests
{
    [Theory]
    [InlineData("ml.g5.xlarge", 1, "A10G", 24, 4, 16, true)]
    [InlineData("ml.g5.48xlarge", 8, "A10G", 24, 192, 768, true)]
    [InlineData("ml.g6.2xlarge", 1, "L4", 24, 8, 32, false)]
    [InlineData("ml.g6.12xlarge", 4, "L4", 24, 48, 192, false)]
    [InlineData("ml.g6e.xlarge", 1, "L40S", 48, 4, 32, false)]
    [InlineData("ml.g6e.48xlarge", 8, "L40S", 48, 192, 1536, false)]
    [InlineData("ml.p4d.24xlarge", 8, "A100", 40, 96, 1152, true)]
    [InlineData("ml.p4de.24xlarge", 8, "A100", 80, 96, 1152, true)]
    [InlineData("ml.p5.48xlarge", 8, "H100", 80, 192, 2048, true)]
    [InlineData("ml.p5e.48xlarge", 8, "H200", 141, 192, 2048, true)]
    [InlineData("ml.p5en.48xlarge", 8, "H200", 141, 192, 2048, true)]
    public void FromName_CatalogEntry_HasTheFigures(string name, int gpus, string model, double gpuMemory, int vCpus, double memory, bool nvme)
    {
        var type = GpuInstanceType.FromName(name);
        Assert.Equal(name, type.Name);
        Assert.Equal(gpus, type.GpuCount);
        Assert.Equal(model, type.GpuModel);
        Assert.Equal(gpuMemory, type.GpuMemoryGiB);
        Assert.Equal(vCpus, type.VCpus);
        Assert.Equal(memory, type.MemoryGiB);
        Assert.Equal(nvme, type.HasLocalNvme);
        Assert.Equal(gpus * gpuMemory, type.TotalGpuMemoryGiB);
    }

    [Fact]
    public void All_CoversEveryFamilyAndSize_WithUniqueNames()
    {
        Assert.Equal(29, GpuInstanceType.All.Count);
        Assert.Equal(GpuInstanceType.All.Count, GpuInstanceType.All.Select(t => t.Name).Distinct().Count());
        foreach (var family in new[] { "g5", "g6", "g6e" })
        {
            Assert.Equal(8, GpuInstanceType.All.Count(t => t.Name.StartsWith($"ml.{family}.", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void FromName_Typo_ListsCloseNames()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => GpuInstanceType.FromName("ml.g6e.xlarg"));
        Assert.Contains("'ml.g6e.xlarg' is not a GPU instance type of the catalog; did you mean ml.g6e.xlarge", error.Message);
        Assert.Contains("GpuInstanceType.Of", error.Message);
    }

    [Fact]
    public void FromName_UnknownFamily_ListsKnownTypes()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => GpuInstanceType.FromName("ml.inf2.xlarge"));
        Assert.Contains("ml.inf2.xlarge", error.Message);
        Assert.Contains("ml.p5.48xlarge", error.Message);
    }

    [Fact]
    public void Of_StatedFigures_AreKept()
    {
        var type = GpuInstanceType.Of("ml.g7.xlarge", 1, "RTX PRO 6000", 96, 4, 32, hasLocalNvme: true);
        Assert.Equal(96, type.GpuMemoryGiB);
        Assert.True(type.HasLocalNvme);
        Assert.Null(GpuInstanceType.TryFromName("ml.g7.xlarge"));
    }

    [Fact]
    public void Of_InvalidFigures_NamesEach()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => GpuInstanceType.Of("g7", 0, "", 0, 0, -1));
        Assert.Contains("name 'g7' is not a SageMaker instance type name", error.Message);
        Assert.Contains("gpuCount 0 must be at least 1", error.Message);
        Assert.Contains("gpuModel is empty", error.Message);
        Assert.Contains("gpuMemoryGiB 0 must be above 0", error.Message);
        Assert.Contains("vCpus 0 must be at least 1", error.Message);
        Assert.Contains("memoryGiB -1 must be above 0", error.Message);
    }

    [Fact]
    public void WithLocalNvme_OverridesTheCatalogValue()
    {
        var type = GpuInstanceType.G5_XLARGE.WithLocalNvme(false);
        Assert.False(type.HasLocalNvme);
        Assert.True(GpuInstanceType.G5_XLARGE.HasLocalNvme);
        Assert.Equal("ml.g5.xlarge", type.Name);
    }
}
