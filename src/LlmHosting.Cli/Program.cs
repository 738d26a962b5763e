using LlmHosting.Cli;

return await CliApp.Build().Parse(args).InvokeAsync();
