using Amazon.S3.Model;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary>What upload-model says about a run (progress totals, resumed files) against moto_server on 127.0.0.1.</summary>
[Collection(MotoCollection.Name)]
public sealed class UploadMessagesTests(MotoServer moto)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Upload_FirstProgressLine_ShowsTheWholeFolderEvenBeforeTheSecondShardIsPlanned()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        var files = run.WriteModel(6 * MiB);
        var second = new byte[6 * MiB];
        new Random(2).NextBytes(second);
        File.WriteAllBytes(Path.Combine(run.Folder, ModelFolderBuilder.Shards[1]), second);
        // The second shard is already there with the same size and other bytes: its plan waits for a HeadObject, which
        // this test holds until the first part of the first shard has been sent.
        using (var s3 = moto.S3())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = run.Bucket, Key = "models/m/" + ModelFolderBuilder.Shards[1], InputStream = new MemoryStream(new byte[6 * MiB]) });
        }

        using var firstPartSent = new ManualResetEventSlim();
        var counter = new CountingHandler();
        counter.OnResponse = call =>
        {
            if (call.Method == "PUT" && call.Query.Contains("partNumber=", StringComparison.Ordinal))
            {
                firstPartSent.Set();
            }
            else if (call.Method == "HEAD" && call.Path.EndsWith(ModelFolderBuilder.Shards[1], StringComparison.Ordinal))
            {
                firstPartSent.Wait(TimeSpan.FromSeconds(20));
                Thread.Sleep(300);
            }
        };

        var (code, output, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--concurrency", "1", "--force"], counter: counter);

        Assert.True(code == 0, error + output);
        var total = files.Where(f => f.Key != ModelFolderBuilder.Shards[1]).Sum(f => (long)f.Value.Length) + second.Length;
        var first = output.Split('\n').First(l => l.Contains(" of ", StringComparison.Ordinal) && l.Contains("ETA", StringComparison.Ordinal));
        Assert.EndsWith($" of {LlmHosting.ModelValidation.ModelFolderValidator.FormatSize(total)}", first.Split(" (")[0]);
    }

    [Fact]
    public async Task Upload_UnfinishedUploadWithNoUsablePart_CountedAsUploadedNotResumed()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(6 * MiB);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--concurrency", "1", "--force"];
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var counter = new CountingHandler();
        counter.OnResponse = _ =>
        {
            if (counter.PartsSent.Count == 1)
            {
                interrupt.Cancel();
            }
        };
        var first = await run.RunAsync(args, interrupt.Token, counter);
        Assert.Equal(130, first.ExitCode);
        // The shard changes before the next run: the part S3 holds no longer matches, so nothing of it can be kept.
        run.WriteModel(6 * MiB, seed: 7);

        var (code, output, error) = await run.RunAsync(args);

        Assert.True(code == 0, error + output);
        Assert.Equal([1, 2], run.Counter.PartsSent);
        Assert.Contains($"  uploaded  {ModelFolderBuilder.Shards[0]} (6.29 MB)" + Environment.NewLine, output);
        Assert.DoesNotContain("resumed  ", output);
        Assert.Contains("Done: 1 uploaded, 0 resumed, 5 skipped", output);
    }
}
