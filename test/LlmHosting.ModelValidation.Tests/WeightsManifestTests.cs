namespace LlmHosting.ModelValidation.Tests;

public sealed class WeightsManifestTests
{
    /// <summary>A version 1 manifest's whole-file hex SHA-256.</summary>
    private const string Sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    /// <summary>S3 checksums (python3: base64 of hashlib.sha256 of b'config'; of the digests of b'part1' and b'part2', then -2).</summary>
    private const string SinglePart = "t5YG+zr+pb0WCe1AtiIULxyYElq8/omnamYbDo40ORA=";
    private const string TwoParts = "xheoOGWlJSrr1KooTDWywen6ft/oubM2FCHlVKEDMfM=-2";

    private static readonly ManifestEntry Config = new("config.json", 12, SinglePart, "0123abc");
    private static readonly ManifestEntry Shard = new("model-00001.safetensors", 6291456, TwoParts, "9f86d081884c7d659a2feaa0c55ad015-2");

    [Theory]
    [InlineData("models/gpt-oss-20b/", "models/gpt-oss-20b.llmhost-manifest.json")]
    [InlineData("models/gpt-oss-20b", "models/gpt-oss-20b.llmhost-manifest.json")]
    [InlineData("qwen/", "qwen.llmhost-manifest.json")]
    public void KeyFor_Prefix_IsBesideTheFolderNotInsideIt(string prefix, string expected)
    {
        var key = WeightsManifest.KeyFor(prefix);

        Assert.Equal(expected, key);
        Assert.False(key.StartsWith(ModelPrefixRule.Normalize(prefix), StringComparison.Ordinal));
    }

    [Fact]
    public void KeyFor_InvalidPrefix_Throws()
    {
        Assert.Throws<ArgumentException>(() => WeightsManifest.KeyFor("../x/"));
    }

    [Fact]
    public void Fingerprint_IsSha256OfKeySizeETagLines_InKeyOrder()
    {
        // Reference: python3 hashlib.sha256 over the same two lines.
        var manifest = new WeightsManifest("models/m/", [Shard, Config]);

        Assert.Equal("ce5ff49ba761fa0e10968042839ec3fe3b4a099419ab3909842f221a792777ac", manifest.Fingerprint);
        Assert.Equal(manifest.Fingerprint, new WeightsManifest("models/m/", [Config, Shard]).Fingerprint);
    }

    [Fact]
    public void Fingerprint_ChangesWithEveryStoredProperty_NotWithTheLocalHashAlone()
    {
        var baseline = new WeightsManifest("models/m/", [Config, Shard]).Fingerprint;

        Assert.NotEqual(baseline, new WeightsManifest("models/m/", [Config, Shard with { ETag = "other-2" }]).Fingerprint);
        Assert.NotEqual(baseline, new WeightsManifest("models/m/", [Config, Shard with { Size = 1 }]).Fingerprint);
        Assert.NotEqual(baseline, new WeightsManifest("models/m/", [Config, Shard with { Key = "model-00002.safetensors" }]).Fingerprint);
        Assert.NotEqual(baseline, new WeightsManifest("models/m/", [Config]).Fingerprint);
        Assert.Equal(baseline, new WeightsManifest("models/m/", [Config, Shard with { ChecksumSha256 = SinglePart }]).Fingerprint);
    }

    [Fact]
    public void ToJson_IsStableAndParsesBack()
    {
        var manifest = new WeightsManifest("models/m/", [Shard, Config]);

        var json = manifest.ToJson();
        var back = WeightsManifest.Parse(json, "test.json");

        Assert.Equal(
            "{\n  \"formatVersion\": 2,\n  \"prefix\": \"models/m/\",\n  \"files\": [\n    {\n      \"key\": \"config.json\",\n      \"size\": 12,\n"
            + $"      \"checksumSha256\": \"{SinglePart}\",\n      \"etag\": \"0123abc\"\n    }},\n    {{\n      \"key\": \"model-00001.safetensors\",\n      \"size\": 6291456,\n"
            + $"      \"checksumSha256\": \"{TwoParts}\",\n      \"etag\": \"9f86d081884c7d659a2feaa0c55ad015-2\"\n    }}\n  ]\n}}\n",
            json.Replace("\r\n", "\n"));
        Assert.Equal(manifest.Files, back.Files);
        Assert.Equal(manifest.Prefix, back.Prefix);
        Assert.Equal(json, back.ToJson());
    }

    public static TheoryData<string, string> BrokenManifests() => new()
    {
        { "{", "m.json: $: not valid JSON" },
        { "[]", "m.json: $: is a JSON array, not an object" },
        { """{"formatVersion":3,"prefix":"models/m/","files":[]}""", "m.json: $.formatVersion: is 3; this llmhost reads versions 1 and 2" },
        { """{"formatVersion":1,"files":[]}""", "m.json: $.prefix: missing" },
        { """{"formatVersion":1,"prefix":"models/m/","files":[],"extra":1}""", "m.json: $.extra: unknown field; allowed: formatVersion, prefix, files" },
        { """{"formatVersion":1,"prefix":"/m/","files":[]}""", "m.json: $.prefix: '/m/' is not a model prefix ending with '/'" },
        { """{"formatVersion":1,"prefix":"models/m/","files":{}}""", "m.json: $.files: is a JSON object, not an array" },
        { $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"a","size":1,"sha256":"{{Sha}}","etag":"e"},{"key":"b","size":-1,"sha256":"{{Sha}}","etag":"e"}]}""", "m.json: $.files[1].size: is -1, not a size in bytes" },
        { $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"a","size":1,"sha256":"{{Sha.ToUpperInvariant()}}","etag":"e"}]}""", "m.json: $.files[0].sha256: '" },
        { $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"../a","size":1,"sha256":"{{Sha}}","etag":"e"}]}""", "m.json: $.files[0].key: '../a' is not a relative file key" },
        { $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"a","size":1,"sha256":"{{Sha}}","etag":"e"},{"key":"a","size":1,"sha256":"{{Sha}}","etag":"e"}]}""", "m.json: $.files[1].key: 'a' is listed twice" },
        { $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"a","size":1,"sha256":"{{Sha}}","etag":"\"e\""}]}""", "m.json: $.files[0].etag: '\"e\"' is not an ETag without quotes" },
        { $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"a","size":1,"sha256":"{{Sha}}"}]}""", "m.json: $.files[0].etag: missing" },
        { $$"""{"formatVersion":2,"prefix":"models/m/","files":[{"key":"a","size":1,"sha256":"{{Sha}}","etag":"e"}]}""", "m.json: $.files[0].sha256: unknown field; allowed: key, size, checksumSha256, etag" },
        { $$"""{"formatVersion":2,"prefix":"models/m/","files":[{"key":"a","size":1,"checksumSha256":"{{Sha}}","etag":"e"}]}""", $"m.json: $.files[0].checksumSha256: '{Sha}' is not an S3 SHA-256 checksum" },
        { $$"""{"formatVersion":2,"prefix":"models/m/","files":[{"key":"a","size":1,"checksumSha256":"{{SinglePart}}-1","etag":"e"}]}""", "m.json: $.files[0].checksumSha256: '" },
        { $$"""{"formatVersion":2,"prefix":"models/m/","files":[{"key":"a","size":1,"checksumSha256":"{{SinglePart}}-10001","etag":"e"}]}""", "m.json: $.files[0].checksumSha256: '" },
        { $$"""{"formatVersion":2,"prefix":"models/m/","files":[{"key":"a","size":1,"checksumSha256":"{{SinglePart[..^2]}}","etag":"e"}]}""", "m.json: $.files[0].checksumSha256: '" },
    };

    [Theory]
    [MemberData(nameof(BrokenManifests))]
    public void Parse_BrokenManifest_NamesSourcePathAndProblem(string json, string expectedStart)
    {
        var e = Assert.Throws<ManifestFormatException>(() => WeightsManifest.Parse(json, "m.json"));

        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void Parse_Version1_KeepsKeysSizesAndETags_WithoutChecksums_AndIsNotWrittenAgain()
    {
        var json = $$"""{"formatVersion":1,"prefix":"models/m/","files":[{"key":"config.json","size":12,"sha256":"{{Sha}}","etag":"0123abc"}]}""";

        var manifest = WeightsManifest.Parse(json, "old.json");

        Assert.Equal([new ManifestEntry("config.json", 12, "", "0123abc")], manifest.Files);
        Assert.Equal(new WeightsManifest("models/m/", [Config]).Fingerprint, manifest.Fingerprint);
        Assert.Contains("config.json has no checksum (a format version 1 manifest)", Assert.Throws<InvalidOperationException>(manifest.ToJson).Message);
    }

    [Fact]
    public void Differences_SameListing_IsEmpty_QuotesIgnored()
    {
        var manifest = new WeightsManifest("models/m/", [Config, Shard]);

        Assert.Empty(manifest.Differences([new("config.json", 12, "\"0123abc\""), new(Shard.Key, Shard.Size, Shard.ETag)]));
    }

    [Fact]
    public void Differences_EachKindOfChange_OneLineEachInKeyOrder()
    {
        var manifest = new WeightsManifest("models/m/", [Config, Shard, new("tokenizer.json", 5, SinglePart, "aa"), new("z.json", 3, SinglePart, "bb")]);

        var lines = manifest.Differences(
        [
            new("config.json", 13, "0123abc"),
            new(Shard.Key, Shard.Size, "changed-2"),
            new("extra.bin", 1, "cc"),
            new("z.json", 3, "\"bb\""),
        ]);

        Assert.Equal(
        [
            "size of config.json is 13, manifest says 12",
            "extra extra.bin",
            "ETag of model-00001.safetensors differs (S3 \"changed-2\", manifest \"9f86d081884c7d659a2feaa0c55ad015-2\")",
            "missing tokenizer.json",
        ], lines);
    }
}
