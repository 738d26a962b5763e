using LlmHosting.Cli;

return await CliApp.InvokeAsync(CliApp.Build(), args);
