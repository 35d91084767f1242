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

        foreach (var hit in LoadedScriptUses())
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
        var (project, documentId) = AdhocProjects.Create(Path.GetFileNameWithoutExtension(path), path, script.Text, SourceCodeKind.Regular, resolved.References, script.HoistedUsings);
        var engineResult = await services.Engine.RunAsync(project, d => d.Id == documentId, ct).ConfigureAwait(false);
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

        var findings = MapFindings(engineResult.Initial, engineResult.Unfixed, analysed, fixedText, d => Locate(d, false), d => Locate(d, true)).ToList();
        // A place of the analysed script as the notebook shows it: its file line and cell.
        string PlaceOf(int position) => InNotebook(position) switch
        {
            var (fileLine, _, detail) => detail is null ? $"{Name}:{fileLine}" : $"{Name}:{fileLine} ({detail})",
            null => Name,
        };

        foreach (var hit in await UnboundNames.FindAsync([project], d => d.Id == documentId, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed(PlaceOf(hit.Position), UnboundNames.Reason(hit)));
        }

        foreach (var hit in await RuntimeKeys.FindAsync([project], d => d.Id == documentId, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed(PlaceOf(hit.Position), RuntimeKeys.Reason(hit, PlaceOf(hit.SetPosition))));
        }

        var outcomes = new List<(string, ChangeOutcome)>();
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

        return services.Record(result, engineResult, findings, outcomes, 1);
    }

    /// <summary>
    /// What a <c>#load</c>-ed script or <c>#!import</c>-ed notebook holds that the gate cannot pass: it is not one of the
    /// analysed cells, so each legacy name in it is named, and so is one that is not there (what it would run cannot be known).
    /// </summary>
    private IEnumerable<NotAnalysed> LoadedScriptUses()
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(notebook.File.Path))!;
        foreach (var load in notebook.Script.LoadedScripts)
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
