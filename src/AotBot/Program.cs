using AotBot.Hosting;

return await Cli.RunAsync(args, Console.Out, Console.Error);
