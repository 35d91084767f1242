namespace TorchTrainer.Tests;

public class RepositoryTests
{
    [Fact]
    public void Results_type_lives_in_the_TorchTrainer_namespace() =>
        Assert.Equal("TorchTrainer", typeof(TrainingResults).Namespace);
}
