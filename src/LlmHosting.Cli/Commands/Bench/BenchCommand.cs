using System.CommandLine;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>
/// <c>llmhost bench</c>: a load generator for an OpenAI-compatible chat endpoint (a model of an environment's directory,
/// or a base URL). It runs each level of concurrency in turn, streams every request, and prints a Markdown table of time
/// to first token, inter-token and end-to-end latency, throughput and tokens per dollar; it writes an SVG chart and,
/// with <c>--json</c>, every figure and request. Exit codes: 0 every request succeeded, 1 some failed (or the warm-up
/// did, or the time limit stopped the run), 2 bad options or nothing could be sent, 130 interrupted (what was measured
/// is still reported).
/// </summary>
internal static class BenchCommand
{
    public const int ExitInterrupted = 130;

    public static Command Create() => Create(new ClientDependencies());

    /// <param name="dependencies">Credentials, clock, working directory...</param>
    /// <param name="run">What runs the parsed request; default: <see cref="BenchRun.RunAsync"/> (tests read the request instead).</param>
    internal static Command Create(ClientDependencies dependencies, Func<BenchRequest, ClientDependencies, TextWriter, TextWriter, CancellationToken, Task<int>>? run = null)
    {
        run ??= BenchRun.RunAsync;
        var environment = new Option<string?>("--env") { Description = "The environment whose model directory names the model (as llmhost chat --env)." };
        var directory = new Option<string?>("--directory") { Description = "A model directory file, instead of --env." };
        var outputsFile = new Option<string?>("--outputs-file") { Description = "With --env: read the directory from this `cdk deploy --outputs-file` file only." };
        var model = new Option<string?>("--model") { Description = "With --env or --directory: the model's name in the directory. With --base-url: the model name the server serves." };
        var baseUrl = new Option<string?>("--base-url") { Description = "An OpenAI-compatible base URL ending with /openai/v1 (a SageMaker endpoint or component), called with a SageMaker bearer token." };
        var region = new Option<string?>("--region") { Description = "With --base-url: the region to sign for. Default: from the URL's host, else AWS_REGION." };
        var concurrency = new Option<string>("--concurrency") { Description = "Levels of requests in flight, run in turn: a comma-separated increasing list, each 1 to 1024.", DefaultValueFactory = _ => "1,4,16" };
        var requests = new Option<int?>("--requests") { Description = "Requests per level, at least its concurrency. Default: 4 x the level's concurrency, at least 16." };
        var promptTokens = new Option<string>("--prompt-tokens") { Description = "Prompt length in words (about one token each): N, or MIN-MAX to draw each request's length uniformly.", DefaultValueFactory = _ => "512" };
        var outputTokens = new Option<string>("--output-tokens") { Description = "Answer length in tokens (max_completion_tokens): N, or MIN-MAX to draw it per request.", DefaultValueFactory = _ => "128" };
        var ignoreEos = new Option<bool?>("--ignore-eos") { Description = "Send vLLM's ignore_eos so that every answer has exactly its output length. Default: true for SageMaker endpoints and --base-url, false for Bedrock." };
        var reasoningEffort = new Option<string?>("--reasoning-effort") { Description = "low, medium or high (gpt-oss, Qwen3): reasoning tokens count as output." };
        reasoningEffort.AcceptOnlyFromAmong("low", "medium", "high");
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured requests sent together first (0 to 1024): they wait for a cold model within --timeout and open as many connections; the highest --concurrency keeps connection set-up (TLS) out of every level. A failed warm-up stops the run.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds each request may take, 1 to 3600; a slower one counts as an error.", DefaultValueFactory = _ => 300 };
        var maxDuration = new Option<int>("--max-duration") { Description = "Seconds the whole run may take; then it stops and reports what it measured.", DefaultValueFactory = _ => 1800 };
        var price = new Option<double?>("--price-per-hour") { Description = "The endpoint's price per hour in dollars (e.g. the instance's on-demand price): adds output tokens per dollar." };
        var seed = new Option<int>("--seed") { Description = "Seed of the prompts and the drawn lengths: the same seed sends the same requests.", DefaultValueFactory = _ => 1 };
        var json = new Option<string?>("--json") { Description = "Also write every figure and request to this JSON file." };
        var svg = new Option<string>("--svg") { Description = "Where to write the chart (throughput and time to first token against concurrency).", DefaultValueFactory = _ => "llmhost-bench.svg" };

        var command = new Command("bench", "Measure a model endpoint under load: time to first token, inter-token and end-to-end latency, throughput and tokens per dollar at each level of concurrency.")
        {
            environment, directory, outputsFile, model, baseUrl, region, concurrency, requests, promptTokens, outputTokens, ignoreEos,
            reasoningEffort, warmup, timeout, maxDuration, price, seed, json, svg,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new BenchRequest
            {
                Environment = parse.GetValue(environment),
                Directory = parse.GetValue(directory),
                OutputsFile = parse.GetValue(outputsFile),
                Model = parse.GetValue(model),
                BaseUrl = parse.GetValue(baseUrl),
                Region = parse.GetValue(region),
                Concurrency = parse.GetValue(concurrency)!,
                Requests = parse.GetValue(requests),
                PromptTokens = parse.GetValue(promptTokens)!,
                OutputTokens = parse.GetValue(outputTokens)!,
                IgnoreEos = parse.GetValue(ignoreEos),
                ReasoningEffort = parse.GetValue(reasoningEffort),
                Warmup = parse.GetValue(warmup),
                TimeoutSeconds = parse.GetValue(timeout),
                MaxDuration = parse.GetValue(maxDuration),
                PricePerHour = parse.GetValue(price),
                Seed = parse.GetValue(seed),
                Json = parse.GetValue(json),
                Svg = parse.GetValue(svg)!,
            };
            return await run(request, dependencies, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }
}
