using TorchTrainer.Migrate.Cli;

return await MigrateCommand.RunAsync(args, Console.Out, Console.Error);
