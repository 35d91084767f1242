using TorchTrainer.Migrate.Cli;

ShortRunJit.ApplyToChildProcesses();
return await MigrateCommand.RunAsync(args, Console.Out, Console.Error);
