using Microsoft.Build.Construction;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// What one evaluation of a project cannot rule out. The gate's survey evaluates Release, and a multi-targeted
/// project's outer build, which sees none of its per-framework items; a reference that only Debug, another target
/// framework or a target adds is invisible to it. So before the survey settles a project without a restore, this
/// reads the project's own files — the project file, the imports the evaluation took and, recursively, those it
/// skipped on a condition — outside the .NET installation (whose implicit references are never TorchTrainer) and
/// says whether any of them could add a reference: a PackageReference or GlobalPackageReference anywhere (under any
/// condition, in a target too), a ProjectReference or Reference that depends on a condition or sits in a target, or a
/// conditional property that can change which files the SDK imports.
/// </summary>
internal static class UnseenReferences
{
    private static readonly string[] SdkRootProperties = ["NetCoreRoot", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildBinPath"];

    public static bool Possible(ProjectInstance project, ProjectCollection collection)
    {
        var sdkRoots = SdkRootProperties
            .Select(project.GetPropertyValue)
            .Where(p => p.Length > 0)
            .Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)) + Path.DirectorySeparatorChar)
            .ToList();
        bool Ours(string file) => !sdkRoots.Any(root => file.StartsWith(root, StringComparison.Ordinal));

        var seen = new HashSet<string>(Output.ChangeWriter.PathComparer);
        var pending = new Queue<string>(project.ImportPaths.Prepend(project.FullPath).Where(Ours));
        while (pending.TryDequeue(out var file))
        {
            if (!seen.Add(file))
            {
                continue;
            }

            ProjectRootElement xml;
            try
            {
                xml = ProjectRootElement.Open(file, collection);
            }
            catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
            {
                return true; // cannot be read here: let the restore and the decision after it judge
            }

            foreach (var element in xml.AllChildren)
            {
                switch (element)
                {
                    case ProjectItemElement { Include.Length: > 0 } item when item.ItemType is "PackageReference" or "GlobalPackageReference":
                        return true;
                    case ProjectItemElement { Include.Length: > 0 } item when item.ItemType is "ProjectReference" or "Reference" && DependsOnConditionOrTarget(item):
                        return true;
                    case ProjectPropertyElement property when DependsOnConditionOrTarget(property) && MayChooseImports(property):
                        // Another configuration's hook into the SDK's imports (CustomBeforeMicrosoftCommonTargets set for
                        // Debug only): the file it names is imported by SDK files, which are not read here.
                        return true;
                    case ProjectImportElement import when DependsOnConditionOrTarget(import):
                        // An import another configuration or framework may take: read it too, when it can be named.
                        if (import.Project.Contains("$(Configuration)", StringComparison.OrdinalIgnoreCase)
                            || import.Project.Contains("$(TargetFramework", StringComparison.OrdinalIgnoreCase))
                        {
                            return true;
                        }

                        var path = project.ExpandString(import.Project);
                        if (path.IndexOfAny(['*', '?']) >= 0)
                        {
                            return true;
                        }

                        path = Path.GetFullPath(Path.Combine(xml.DirectoryPath, path));
                        if (File.Exists(path) && Ours(path))
                        {
                            pending.Enqueue(path);
                        }

                        break;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A property that can decide which files MSBuild imports: one that names a .props or .targets file, or one of the
    /// SDK's import switches and hooks (ImportDirectoryBuildProps, CustomAfterMicrosoftCommonTargets, DirectoryBuildPropsPath …).
    /// </summary>
    private static bool MayChooseImports(ProjectPropertyElement property) =>
        property.Value.Contains(".props", StringComparison.OrdinalIgnoreCase)
        || property.Value.Contains(".targets", StringComparison.OrdinalIgnoreCase)
        || property.Name.StartsWith("Import", StringComparison.OrdinalIgnoreCase)
        || property.Name.StartsWith("Custom", StringComparison.OrdinalIgnoreCase)
        || property.Name.EndsWith("PropsPath", StringComparison.OrdinalIgnoreCase)
        || property.Name.EndsWith("TargetsPath", StringComparison.OrdinalIgnoreCase);

    private static bool DependsOnConditionOrTarget(ProjectElement element)
    {
        for (var current = element; current is not null; current = current.Parent)
        {
            // A Choose's branches (an Otherwise has no condition of its own) are conditional; a target runs at build time.
            if (!string.IsNullOrEmpty(current.Condition) || current is ProjectTargetElement or ProjectChooseElement)
            {
                return true;
            }
        }

        return false;
    }
}
