using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

// Usage: WeightsGateBench <s3 endpoint> <rules> <s3://bucket/prefix/[+gpt-oss]>...
// A folder followed by +gpt-oss is checked as a gpt-oss model's (StartFiles: gpt-oss's start contract), as synthesized.
// Runs the weights gate's public Lambda entry point (as Lambda would, configured by the environment) once per folder and
// prints the verdict, the wall and CPU time each check took (from the request to the answer or the failure); the gate's own
// log line (GET requests, bytes read) is printed by the gate.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: WeightsGateBench <s3 endpoint> <SageMaker|Bedrock> <s3://bucket/prefix/>...");
    return 2;
}

Environment.SetEnvironmentVariable("S3_ENDPOINT_URL", args[0]);
var handler = new LlmHosting.Lambda.WeightsGate.Handler();
foreach (var argument in args.Skip(2))
{
    var uri = argument.Split('+')[0];
    var startFiles = argument.EndsWith("+gpt-oss", StringComparison.Ordinal)
        ? new JsonArray(LlmHosting.ModelValidation.StartContract.GptOss.Files.Select(f => (JsonNode)new JsonObject { ["Key"] = f.Key, ["Sha256"] = f.Sha256 }).ToArray())
        : new JsonArray();
    var request = new JsonObject
    {
        ["RequestType"] = "Create",
        ["StackId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/bench/1",
        ["RequestId"] = Guid.NewGuid().ToString(),
        ["LogicalResourceId"] = "Gate",
        ["ResourceProperties"] = new JsonObject { ["S3Uri"] = uri, ["Rules"] = args[1], ["StartFiles"] = startFiles },
    };
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    string verdict;
    try
    {
        await using var output = await handler.OnEvent(new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString())));
        verdict = "passed";
    }
    catch (Exception e)
    {
        verdict = "rejected: " + (e.Message.Length > 320 ? e.Message[..320] + "..." : e.Message);
    }

    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    Console.WriteLine($"{watch.Elapsed.TotalSeconds,6:0.000} s wall, {cpuSeconds,6:0.000} s CPU  {uri}  {verdict}");
}

return 0;
