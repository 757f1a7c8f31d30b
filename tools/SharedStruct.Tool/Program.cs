using SharedStruct.Tool.Cli;

return await ToolCli.RunAsync(args, ToolConsole.ForProcess()).ConfigureAwait(false);
