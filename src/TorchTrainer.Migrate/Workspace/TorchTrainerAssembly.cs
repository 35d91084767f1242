using TorchTrainer.Contract;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>How the tool tells TorchTrainer's assembly: by name, and a file by its name or the name its metadata declares.</summary>
internal static class TorchTrainerAssembly
{
    public static bool IsNamed(string? name) => string.Equals(name, ContractTypes.AssemblyName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True for TorchTrainer.dll, and for a renamed copy whose metadata names it TorchTrainer; a file that is not there,
    /// or not an assembly, goes by its file name only.
    /// </summary>
    public static bool IsFile(string path)
    {
        if (IsNamed(Path.GetFileNameWithoutExtension(path)))
        {
            return true;
        }

        try
        {
            return File.Exists(path) && IsNamed(System.Reflection.AssemblyName.GetAssemblyName(path).Name);
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
