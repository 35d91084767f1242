using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Notebooks;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;
using static TorchTrainer.Migrate.Units.FindingMapper;

namespace TorchTrainer.Migrate.Units;

/// <summary>One notebook (.ipynb, .dib): its C# cells analysed as one compilation unit, fixes mapped back into the cells.</summary>
internal sealed class NotebookUnit(UnitServices services, INotebook notebook)
{
    public string Name => services.Display(notebook.File.Path);

    public async Task<UnitResult> RunAsync(CancellationToken ct)
    {
        var path = notebook.File.Path;
        var script = notebook.Script;
        var result = new UnitResultBuilder(Name);
        foreach (var use in script.OtherLanguageUses)
        {
            result.NotAnalysed.Add(new NotAnalysed(Place(use.CellIndex, use.Line),
                $"'{use.Name}' in {KernelName(use.Kernel)} code: trainer-migrate and the TorchTrainer analyzers read C# only; migrate it by hand "
                + "(the TRN0001 and TRN0002 rule pages give each rewrite)"));
        }

        // C# files the notebook imports (#!import helpers.cs): compiled with the cells, as the kernel runs them before the
        // cells after, and analysed and fixed with them unless another input took them first.
        var imports = ImportedSources();
        foreach (var hit in LoadedScriptUses(imports.Select(i => i.Load).ToHashSet()))
        {
            result.NotAnalysed.Add(hit);
        }

        if (script.Pieces.Count == 0)
        {
            return result.NotAnalysed.Count > 0
                ? result.Build("not analysed")
                : UnitResult.Skip(Name, $"{services.Display(path)}: no C# cells; skipped", "no C# cells");
        }

        var resolved = await NotebookReferences.ResolveAsync(notebook, services.Resolver, ct).ConfigureAwait(false);
        result.Warnings.AddRange(resolved.Warnings.Select(w => $"{services.Display(path)}: {w}"));
        if (resolved.Failures.Count > 0)
        {
            result.NotAnalysed.AddRange(resolved.Failures.Select(f => new NotAnalysed(Name, f)));
            return result.Build("not analysed");
        }

        // Analysed as a regular compilation unit (top-level statements), not as a script: analyzers' operation actions
        // do not run on a script's global statements (only on its field initializers and members), so a legacy read in a
        // cell's plain statement, e.g. Console.WriteLine(results.LossHistory[^1]), went unreported. The C# compiler still
        // binds statements after type declarations and a cell's trailing expression (with errors, which the analyzers
        // do not mind), so every cell is analysed; each cell's usings are hoisted as global usings (NotebookScript).
        // An imported file's usings apply to the cells after it, as a submission's do.
        var usings = script.HoistedUsings.Concat(imports.SelectMany(i => NotebookScript.GlobalUsings(i.File.Text))).Distinct(StringComparer.Ordinal);
        var (project, documentId) = AdhocProjects.Create(Path.GetFileNameWithoutExtension(path), path, script.Text, SourceCodeKind.Regular, resolved.References, usings);
        var imported = new Dictionary<DocumentId, TextFile>();
        foreach (var (_, file) in imports)
        {
            var document = project.AddDocument(Path.GetFileName(file.Path), SourceText.From(file.Text), filePath: file.Path);
            project = document.Project;
            if (services.Writer.TryClaim(file.Path))
            {
                imported[document.Id] = file; // another input's (two notebooks import one file): compiled here, analysed there
            }
        }

        bool Analysed(Document d) => d.Id == documentId || imported.ContainsKey(d.Id);
        var engineResult = await services.Engine.RunAsync(project, Analysed, ct).ConfigureAwait(false);
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        var fixedText = engineResult.Changed.TryGetValue(documentId, out var texts) ? texts.New : analysed;

        // A position of the analysed script in the notebook file: line, column in the cell, and (for .ipynb) the cell detail.
        (int FileLine, int Column, string? Detail)? InNotebook(int position)
        {
            if (script.Locate(position) is not { } located)
            {
                return null;
            }

            var (line, column) = TextEdits.LineColumn(located.Piece.OriginalText, located.Offset);
            var (fileLine, detail) = notebook.Locate(located.Piece.CellIndex, line);
            return (fileLine, column, notebook is DibNotebook ? null : detail);
        }

        Finding Locate(Diagnostic diagnostic, bool inFixedText)
        {
            if (!inFixedText && InNotebook(diagnostic.Location.SourceSpan.Start) is var (fileLine, column, detail))
            {
                return NewFinding(diagnostic, path, fileLine, column + 1, fileLine, column + 1 + diagnostic.Location.SourceSpan.Length, detail);
            }

            var lineSpan = diagnostic.Location.GetLineSpan();
            return NewFinding(diagnostic, path, lineSpan.StartLinePosition.Line + 1, lineSpan.StartLinePosition.Character + 1,
                lineSpan.EndLinePosition.Line + 1, lineSpan.EndLinePosition.Character + 1, notebook is DibNotebook ? null : "in the combined C# script");
        }

        var findings = MapFindings(engineResult.Initial.Where(f => f.DocumentId == documentId), engineResult.Unfixed.Where(u => u.DocumentId == documentId),
            analysed, fixedText, d => Locate(d, false), d => Locate(d, true)).ToList();
        foreach (var (id, file) in imported)
        {
            var original = SourceText.From(file.Text);
            findings.AddRange(MapFindings(engineResult.Initial.Where(f => f.DocumentId == id), engineResult.Unfixed.Where(u => u.DocumentId == id),
                original, engineResult.Changed.TryGetValue(id, out var changed) ? changed.New : original, d => FromLineSpan(d, file.Path), d => FromLineSpan(d, file.Path)));
        }

        // A place as the user reads it: in the notebook, its file line and cell; in an imported file, its line.
        string PlaceOf(string file, int position, int line) => !ChangeWriter.PathComparer.Equals(file, path) ? $"{services.Display(file)}:{line}"
            : InNotebook(position) switch
            {
                var (fileLine, _, detail) => detail is null ? $"{Name}:{fileLine}" : $"{Name}:{fileLine} ({detail})",
                null => Name,
            };

        foreach (var hit in await UnboundNames.FindAsync([project], Analysed, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed(PlaceOf(hit.Path, hit.Position, hit.Line), UnboundNames.Reason(hit)));
        }

        foreach (var hit in await RuntimeKeys.FindAsync([project], Analysed, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed(PlaceOf(hit.Path, hit.Position, hit.Line), RuntimeKeys.Reason(hit, PlaceOf(hit.SetPath, hit.SetPosition, hit.SetLine))));
        }

        foreach (var hit in await ReflectedNames.FindAsync([project], Analysed, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed(PlaceOf(hit.Path, hit.Position, hit.Line), ReflectedNames.Reason(hit)));
        }

        var outcomes = new List<(string, ChangeOutcome)>();
        foreach (var (id, file) in imported)
        {
            if (engineResult.Changed.TryGetValue(id, out var changed))
            {
                outcomes.Add((file.Path, services.Commit(new FileChange(file.Path, file.Text, changed.New.ToString()), result)));
            }
        }

        if (engineResult.Changed.Count > 0)
        {
            var (cells, rejected) = script.MapBack(analysed, fixedText, notebook.File.NewLine);
            if (rejected > 0)
            {
                result.Warnings.Add($"{services.Display(path)}: {rejected} rewrite(s) would cross a cell or touch a magic / #r line; not applied");
            }

            if (cells.Count > 0)
            {
                outcomes.Add((path, services.Commit(new FileChange(path, notebook.File.Text, notebook.WithCells(cells)), result)));
            }
        }

        return services.Record(result, engineResult, findings, outcomes, 1 + imported.Count);
    }

    /// <summary>The readable C# files the notebook's <c>#!import</c> lines name (a notebook or script it imports is not one).</summary>
    private List<(LoadedScript Load, TextFile File)> ImportedSources()
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(notebook.File.Path))!;
        var sources = new List<(LoadedScript, TextFile)>();
        foreach (var load in notebook.Script.LoadedScripts.Where(l => l.Directive == "#!import" && l.Path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)))
        {
            var full = Path.GetFullPath(Path.Combine(folder, load.Path));
            if (sources.Any(s => ChangeWriter.PathComparer.Equals(s.Item2.Path, full)))
            {
                continue;
            }

            try
            {
                sources.Add((load, TextFile.Read(full)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // Not imported: LoadedScriptUses names it as one that cannot be read.
            }
        }

        return sources;
    }

    /// <summary>
    /// What a <c>#load</c>-ed script or <c>#!import</c>-ed notebook holds that the gate cannot pass: it is not one of the
    /// analysed cells, so each legacy name in it is named, and so is one that is not there (what it would run cannot be known).
    /// The C# files it imports (<paramref name="analysed"/>) are analysed with the cells.
    /// </summary>
    private IEnumerable<NotAnalysed> LoadedScriptUses(IReadOnlySet<LoadedScript> analysed)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(notebook.File.Path))!;
        foreach (var load in notebook.Script.LoadedScripts.Where(l => !analysed.Contains(l)))
        {
            var place = Place(load.CellIndex, load.Line);
            var full = Path.GetFullPath(Path.Combine(folder, load.Path));
            var (text, unreadable) = TextFile.TryRead(full);
            if (unreadable is not null)
            {
                yield return new NotAnalysed(place, $"{load.Directive} \"{load.Path}\" cannot be read ({unreadable}): what it runs cannot be analysed");
                continue;
            }

            var (what, fix) = load.Directive == "#load"
                ? ("a script the notebook #loads", "migrate it by hand (the TRN0001 and TRN0002 rule pages give each rewrite)")
                : ("a notebook this one #!imports", "migrate that notebook too (pass it, or its folder, as well)");
            foreach (var (line, name) in LegacyNames.In(SourceText.From(text!)))
            {
                yield return new NotAnalysed(place, $"'{name}' in {services.Display(full)}:{line}, {what}: trainer-migrate analyses "
                    + $"the notebook's own cells, not what they load or import; {fix}");
            }
        }
    }

    /// <summary>Where a line of a cell is, as the user reads it: the file's line, and for .ipynb the cell and its line.</summary>
    private string Place(int cellIndex, int lineInCell)
    {
        var (fileLine, detail) = notebook.Locate(cellIndex, lineInCell);
        return notebook is DibNotebook ? $"{Name}:{fileLine}" : $"{Name}:{fileLine} ({detail})";
    }

    private static string KernelName(string kernel) => kernel switch
    {
        "fsharp" => "F#",
        "pwsh" => "PowerShell",
        _ => kernel,
    };
}
