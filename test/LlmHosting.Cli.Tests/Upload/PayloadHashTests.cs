using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.Cli.Upload;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary>How uploads are signed: over HTTP with the checksum already computed, over HTTPS not at all (UNSIGNED-PAYLOAD).</summary>
public sealed class PayloadHashTests
{
    private static readonly byte[] Data = "the bytes of one part"u8.ToArray();

    /// <summary>Answers every request with 200 and an ETag without sending it anywhere, keeping its headers.</summary>
    private sealed class AnswerAll : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"0123456789abcdef0123456789abcdef\"");
            return Task.FromResult(response);
        }

        public string Header(string name) => Requests.Single().Headers.GetValues(name).Single();
    }

    private sealed class Factory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
    }

    private static AmazonS3Config Config(string scheme, HttpMessageHandler handler) => new()
    {
        ServiceURL = scheme + "://127.0.0.1:9",
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        HttpClientFactory = new Factory(handler),
    };

    private static UploadPartRequest Part(byte[] checksum, bool? disablePayloadSigning = null) => new()
    {
        BucketName = "bucket",
        Key = "k",
        UploadId = "u",
        PartNumber = 1,
        InputStream = new MemoryStream(Data),
        PartSize = Data.Length,
        ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        ChecksumSHA256 = Convert.ToBase64String(checksum),
        UseChunkEncoding = false,
        DisablePayloadSigning = disablePayloadSigning,
    };

    [Fact]
    public async Task Http_UploadPart_IsSignedWithTheGivenChecksum_NotAHashOfItsOwn()
    {
        // A checksum that is not that of the bytes: the signed payload hash shows who computed it.
        var claimed = SHA256.HashData("other bytes"u8);
        var ours = new AnswerAll();
        var plain = new AnswerAll();
        using (var s3 = new PayloadHashS3Client(new BasicAWSCredentials("a", "b"), Config("http", ours)))
        {
            await s3.UploadPartAsync(Part(claimed));
        }

        using (var s3 = new AmazonS3Client(new BasicAWSCredentials("a", "b"), Config("http", plain)))
        {
            await s3.UploadPartAsync(Part(claimed));
        }

        Assert.Equal(Convert.ToHexStringLower(claimed), ours.Header("x-amz-content-sha256"));
        Assert.Equal(Convert.ToBase64String(claimed), ours.Header("x-amz-checksum-sha256"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Data)), plain.Header("x-amz-content-sha256"));
    }

    [Fact]
    public async Task Http_PutObjectFromAFile_IsSignedWithTheGivenChecksum()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Data);
            var claimed = SHA256.HashData("other bytes"u8);
            var handler = new AnswerAll();
            using var s3 = new PayloadHashS3Client(new BasicAWSCredentials("a", "b"), Config("http", handler));

            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = "bucket",
                Key = "k",
                FilePath = path,
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ChecksumSHA256 = Convert.ToBase64String(claimed),
                UseChunkEncoding = false,
            });

            Assert.Equal(Convert.ToHexStringLower(claimed), handler.Header("x-amz-content-sha256"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Https_UploadPart_GoesUnsignedWithItsChecksumInAHeader()
    {
        var handler = new AnswerAll();
        using var s3 = new PayloadHashS3Client(new BasicAWSCredentials("a", "b"), Config("https", handler));

        await s3.UploadPartAsync(Part(SHA256.HashData(Data), disablePayloadSigning: true));

        Assert.Equal("UNSIGNED-PAYLOAD", handler.Header("x-amz-content-sha256"));
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Data)), handler.Header("x-amz-checksum-sha256"));
        Assert.False(handler.Requests.Single().Content!.Headers.Contains("Content-Encoding"), "the body goes plain, not aws-chunked");
    }
}
