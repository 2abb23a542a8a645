using ApiGuard.SampleClient;

return await SampleClientApp.RunAsync(args, Console.Out, Console.Error);
