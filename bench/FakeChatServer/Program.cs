using System.Globalization;
using LlmHosting.TestSupport;

// Usage: FakeChatServer [tokens] [time to first token ms] [inter-token ms]
// Serves streamed chat completions on 127.0.0.1 (a free port), prints its base URL on the first line, and stops when
// its standard input closes.
var tokens = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 16;
var ttft = TimeSpan.FromMilliseconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0);
var itl = TimeSpan.FromMilliseconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0);
var step = new ScriptStep(ttft, itl, tokens);
await using var server = await ScriptedChatServer.StartAsync(_ => step);
Console.WriteLine(server.BaseUrl);
await Console.In.ReadToEndAsync();
Console.Error.WriteLine($"FakeChatServer: {server.Requests} requests answered");
return 0;
