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
internal static partial class UnseenReferences
{
    private static readonly string[] SdkRootProperties = ["NetCoreRoot", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildBinPath"];

    public static bool Possible(ProjectInstance project, ProjectCollection collection)
    {
        foreach (var (element, _, _) in OwnElements(project, collection))
        {
            switch (element)
            {
                case null:
                    return true; // a file that cannot be read here: let the restore and the decision after it judge
                case ProjectItemElement { Include.Length: > 0 } item when item.ItemType is "PackageReference" or "GlobalPackageReference":
                    return true;
                case ProjectItemElement { Include.Length: > 0 } item when item.ItemType is "ProjectReference" or "Reference" && DependsOnConditionOrTarget(item):
                    return true;
                case ProjectPropertyElement property when DependsOnConditionOrTarget(property) && MayChooseImports(property):
                    // Another configuration's hook into the SDK's imports (CustomBeforeMicrosoftCommonTargets set for
                    // Debug only): the file it names is imported by SDK files, which are not read here.
                    return true;
                case ProjectImportElement import when DependsOnConditionOrTarget(import)
                    && (import.Project.Contains("$(Configuration)", StringComparison.OrdinalIgnoreCase)
                        || import.Project.Contains("$(TargetFramework", StringComparison.OrdinalIgnoreCase)
                        || project.ExpandString(import.Project).IndexOfAny(['*', '?']) >= 0):
                    // An import another configuration or framework may take, which cannot be named to be read too.
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The references in the project's own files that the gate's evaluations (Debug and Release, every target framework)
    /// cannot have taken: those under a condition on anything else (the OS, a property of the user's, a file's
    /// existence) or added by a target, or under one on the configuration that neither Debug nor Release meets (a
    /// configuration of the user's, such as Production, which a solution can map its builds to: <paramref name="analysed"/>
    /// gives the project's Debug and Release evaluations, per target framework); each as its item type, one expanded
    /// Include, and where it is written. Asked of a project the gate would skip: where such a reference applies, it may
    /// compile code against TorchTrainer.
    /// </summary>
    public static IEnumerable<(string ItemType, string Include, string Where)> Untaken(ProjectInstance project, ProjectCollection collection,
        Func<IReadOnlyList<ProjectInstance>> analysed)
    {
        foreach (var (element, file, importedUnder) in OwnElements(project, collection))
        {
            if (element is not ProjectItemElement { Include.Length: > 0 } item
                || item.ItemType is not ("PackageReference" or "GlobalPackageReference" or "ProjectReference" or "Reference"))
            {
                continue;
            }

            var why = Enclosing<ProjectTargetElement>(item) is { } target ? $"added by target {target.Name}"
                : UncoveredCondition(item) is { } condition ? $"under the condition {condition}"
                : importedUnder ?? UnmetConfigurationCondition(item, analysed);
            if (why is null)
            {
                continue;
            }

            var where = $"{item.ItemType} {item.Include} in {Path.GetFileName(file)} (line {item.Location.Line}), {why}";

            foreach (var include in project.ExpandString(item.Include).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return (item.ItemType, include, where);
            }
        }
    }

    /// <summary>
    /// The elements of the project file and of the imports outside the .NET installation (see the class summary); null
    /// for a file that cannot be read. <c>ImportedUnder</c> is, for a file this evaluation did not import, why: the
    /// import's condition when it reads more than the configuration and target framework, or the target it sits in.
    /// </summary>
    private static IEnumerable<(ProjectElement? Element, string File, string? ImportedUnder)> OwnElements(ProjectInstance project, ProjectCollection collection)
    {
        var sdkRoots = SdkRootProperties
            .Select(project.GetPropertyValue)
            .Where(p => p.Length > 0)
            .Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)) + Path.DirectorySeparatorChar)
            .ToList();
        bool Ours(string file) => !sdkRoots.Any(root => file.StartsWith(root, StringComparison.Ordinal));

        var seen = new HashSet<string>(Output.ChangeWriter.PathComparer);
        var pending = new Queue<(string File, string? ImportedUnder)>(project.ImportPaths.Prepend(project.FullPath).Where(Ours).Select(f => (f, (string?)null)));
        while (pending.TryDequeue(out var next))
        {
            var (file, importedUnder) = next;
            if (!seen.Add(file))
            {
                continue;
            }

            ProjectRootElement? xml = null;
            try
            {
                xml = ProjectRootElement.Open(file, collection);
            }
            catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
            {
                // Reported to the caller as a null element: an iterator cannot yield from a catch block.
            }

            if (xml is null)
            {
                yield return (null, file, importedUnder);
                continue;
            }

            foreach (var element in xml.AllChildren)
            {
                yield return (element, file, importedUnder);

                // An import another configuration or framework may take: read it too, when it can be named.
                if (element is ProjectImportElement import && DependsOnConditionOrTarget(import))
                {
                    var path = project.ExpandString(import.Project);
                    if (path.IndexOfAny(['*', '?']) < 0)
                    {
                        path = Path.GetFullPath(Path.Combine(xml.DirectoryPath, path));
                        if (File.Exists(path) && Ours(path))
                        {
                            var why = Enclosing<ProjectTargetElement>(import) is { } target ? $"imported in target {target.Name}"
                                : UncoveredCondition(import) is { } condition ? $"imported under the condition {condition}"
                                : null;
                            pending.Enqueue((path, importedUnder ?? (why is null ? null : $"{why} in {Path.GetFileName(file)}")));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Whether one Include of a reference item names TorchTrainer: the package, a project file TorchTrainer.csproj, the assembly by name or file.</summary>
    public static bool NamesTorchTrainer(string itemType, string include) => itemType switch
    {
        "PackageReference" or "GlobalPackageReference" => TorchTrainerAssembly.IsNamed(include),
        "ProjectReference" => TorchTrainerAssembly.IsNamed(Path.GetFileNameWithoutExtension(include.Replace('\\', '/'))),
        _ => TorchTrainerAssembly.IsNamed(include.Split(',')[0].Trim()) || TorchTrainerAssembly.IsNamed(Path.GetFileNameWithoutExtension(include.Replace('\\', '/'))),
    };

    /// <summary>Properties whose every value the gate analyses: the configurations (Debug, Release) and each target framework.</summary>
    private static readonly HashSet<string> CoveredProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "Configuration", "TargetFramework", "TargetFrameworkIdentifier", "TargetFrameworkVersion", "TargetFrameworkMoniker",
    };

    /// <summary>
    /// The first condition on the element or its parents that reads anything but <see cref="CoveredProperties"/> (a
    /// property function such as IsOSPlatform, Exists, another property); null when every condition is covered.
    /// A Choose's Otherwise is conditional on its When's conditions, which are checked as the When's.
    /// </summary>
    private static string? UncoveredCondition(ProjectElement element)
    {
        for (var current = element; current is not null; current = current.Parent)
        {
            var condition = current is ProjectOtherwiseElement otherwise
                ? string.Join(" or ", otherwise.Parent.Children.OfType<ProjectWhenElement>().Select(w => w.Condition))
                : current.Condition;
            if (string.IsNullOrEmpty(condition))
            {
                continue;
            }

            var properties = PropertyReference().Matches(condition).Select(m => m.Groups[1].Value).ToList();
            if (condition.Contains("$([", StringComparison.Ordinal) || condition.Contains("Exists(", StringComparison.OrdinalIgnoreCase)
                || condition.Contains("HasTrailingSlash(", StringComparison.OrdinalIgnoreCase)
                || properties.Any(p => !CoveredProperties.Contains(p)))
            {
                return condition.Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// "under the condition …" when the element's conditions (all on covered properties) read the configuration and no
    /// analysed evaluation meets them all; null otherwise. A condition on the target framework alone names frameworks
    /// the project may not build, which is no reason to stop.
    /// </summary>
    private static string? UnmetConfigurationCondition(ProjectElement element, Func<IReadOnlyList<ProjectInstance>> analysed)
    {
        var conditions = new List<string>();
        for (var current = element; current is not null; current = current.Parent)
        {
            if (current is ProjectOtherwiseElement otherwise)
            {
                conditions.AddRange(otherwise.Parent.Children.OfType<ProjectWhenElement>().Select(w => $"!({w.Condition})"));
            }
            else if (!string.IsNullOrEmpty(current.Condition))
            {
                conditions.Add(current.Condition);
            }
        }

        if (!conditions.Any(c => PropertyReference().Matches(c).Any(m => m.Groups[1].Value.Equals("Configuration", StringComparison.OrdinalIgnoreCase))))
        {
            return null;
        }

        return analysed().Any(evaluation => conditions.All(evaluation.EvaluateCondition))
            ? null
            : $"under the condition {string.Join(" and ", conditions.Select(c => c.Trim()))}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\(\s*([A-Za-z_][\w.-]*)\s*\)")]
    private static partial System.Text.RegularExpressions.Regex PropertyReference();

    private static T? Enclosing<T>(ProjectElement element) where T : ProjectElement
    {
        for (var current = element.Parent; current is not null; current = current.Parent)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
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
