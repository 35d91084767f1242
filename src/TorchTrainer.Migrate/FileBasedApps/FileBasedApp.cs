using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.FileBasedApps;

/// <summary>
/// A file-based app as Roslyn compiles it: the app (<paramref name="DocumentId"/>, its directives blanked), the other C#
/// files it includes (each with the file as read, for writing it back), and why it cannot be analysed completely.
/// </summary>
internal sealed record AppProject(Project Project, DocumentId DocumentId, IReadOnlyList<(DocumentId Id, TextFile File)> Included,
    string? Failure, IReadOnlyList<string> Warnings);

/// <summary>A directive of a file-based app (<c>#:package Name@1.0</c>, <c>#:property Key=Value</c>, <c>#:sdk</c>, <c>#:project</c>).</summary>
internal sealed record AppDirective(string Kind, string Name, string? Value, int Line);

/// <summary>
/// A C# file-based app (<c>dotnet run app.cs</c>). Its <c>#:</c> directives (and a <c>#!</c> shebang) are not C#:
/// they are blanked (same length, same lines) for analysis and kept byte-for-byte when the file is rewritten.
/// </summary>
internal sealed class FileBasedApp
{
    private FileBasedApp(TextFile file, string maskedText, IReadOnlyList<TextSpan> directiveSpans, IReadOnlyList<AppDirective> directives)
    {
        File = file;
        MaskedText = maskedText;
        DirectiveSpans = directiveSpans;
        Directives = directives;
    }

    public TextFile File { get; }
    public string MaskedText { get; }
    public IReadOnlyList<TextSpan> DirectiveSpans { get; }
    public IReadOnlyList<AppDirective> Directives { get; }

    /// <summary>True when the text has a <c>#:package</c>, <c>#:property</c>, <c>#:sdk</c> or <c>#:project</c> directive.</summary>
    public static bool HasDirectives(string text) =>
        TextEdits.Lines(text).Any(l => IsDirectiveLine(text.AsSpan(l.Start, l.Length), l.Start == 0, out var kind) && kind != "#!");

    public static FileBasedApp Parse(TextFile file)
    {
        var text = file.Text;
        var masked = text.ToCharArray();
        var spans = new List<TextSpan>();
        var directives = new List<AppDirective>();
        var lineNumber = 0;
        foreach (var (start, length, _) in TextEdits.Lines(text))
        {
            var line = text.AsSpan(start, length);
            if (IsDirectiveLine(line, start == 0, out var kind))
            {
                var span = new TextSpan(start, length);
                spans.Add(span);
                TextEdits.Blank(masked, span);
                if (kind != "#!")
                {
                    directives.Add(ParseDirective(kind, line.Trim().ToString(), lineNumber));
                }
            }

            lineNumber++;
        }

        return new FileBasedApp(file, new string(masked), spans, directives);
    }

    private static bool IsDirectiveLine(ReadOnlySpan<char> line, bool firstLine, out string kind)
    {
        var trimmed = line.TrimStart();
        if (firstLine && trimmed.StartsWith("#!"))
        {
            kind = "#!";
            return true;
        }

        if (trimmed.StartsWith("#:"))
        {
            var rest = trimmed[2..];
            var end = rest.IndexOfAny(' ', '\t');
            kind = (end < 0 ? rest : rest[..end]).ToString();
            return true;
        }

        kind = "";
        return false;
    }

    private static AppDirective ParseDirective(string kind, string line, int lineNumber)
    {
        var body = line[(2 + kind.Length)..].Trim();
        switch (kind)
        {
            case "package":
            case "sdk":
            {
                var at = body.IndexOf('@');
                return at < 0 ? new AppDirective(kind, body, null, lineNumber) : new AppDirective(kind, body[..at].Trim(), body[(at + 1)..].Trim(), lineNumber);
            }

            case "property":
            {
                var eq = body.IndexOf('=');
                return eq < 0 ? new AppDirective(kind, body, null, lineNumber) : new AppDirective(kind, body[..eq].Trim(), body[(eq + 1)..].Trim(), lineNumber);
            }

            default:
                return new AppDirective(kind, body, null, lineNumber);
        }
    }

    /// <summary>
    /// The Roslyn project of this app: framework references plus the compile assemblies of its <c>#:package</c> (and
    /// <c>#:sdk</c>, <c>#:project</c>) directives as the SDK restores them (<c>dotnet restore app.cs</c>), and the other
    /// C# files it compiles (<c>#:include</c>: <see cref="AppProject.Included"/>); or why they cannot be restored or
    /// read (then the app cannot be analysed completely). Warnings: what the analysis cannot see.
    /// </summary>
    public async Task<AppProject> CreateProjectAsync(ReferenceResolver resolver, CancellationToken ct)
    {
        var references = new List<MetadataReference>(ReferenceResolver.FrameworkReferences);
        var (packages, otherSources, failure) = await resolver.ResolveFileBasedAppAsync(File.Path, ct).ConfigureAwait(false);
        references.AddRange(packages);
        if (failure is not null)
        {
            var named = string.Join(", ", Directives.Where(d => d.Kind is "package" or "sdk" or "project").Select(d => $"#:{d.Kind} {d.Name}{(d.Value is null ? "" : "@" + d.Value)}"));
            failure = $"{(named.Length > 0 ? named : "its directives")} cannot be restored: {failure}";
        }

        // A #:project's packages are in the restore's closure; its own types come from its source, loaded as any project
        // is (its build output may not exist). One that cannot be loaded is said, and what it declares stays unresolved
        // (UnboundNames names the legacy reads through it).
        var warnings = new List<string>();
        foreach (var directive in failure is null ? Directives.Where(d => d.Kind == "project") : [])
        {
            var (compilation, loadFailure) = ProjectFile(directive.Name) is { } projectFile
                ? await Workspace.MsBuildLoader.CompileProjectAsync(projectFile, ct).ConfigureAwait(false)
                : (null, "no single project file there");
            if (compilation is not null)
            {
                references.Add(compilation.ToMetadataReference());
            }
            else
            {
                warnings.Add($"#:project {directive.Name} (line {directive.Line + 1}) cannot be loaded ({loadFailure}): types declared in that project are unresolved while analysing this file");
            }
        }

        var name = Path.GetFileNameWithoutExtension(File.Path);
        var (project, documentId) = AdhocProjects.Create(name, File.Path, MaskedText, SourceCodeKind.Regular, references);
        var included = new List<(DocumentId, TextFile)>();
        foreach (var source in otherSources.Order(StringComparer.Ordinal))
        {
            TextFile file;
            try
            {
                file = TextFile.Read(source);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                failure ??= $"{source}, which it includes (#:include), cannot be read: {ex.Message}";
                continue;
            }

            var document = project.AddDocument(Path.GetFileName(source), SourceText.From(file.Text), filePath: source);
            project = document.Project;
            included.Add((document.Id, file));
        }

        return new AppProject(project, documentId, included, failure, warnings);
    }

    /// <summary>A #:project's project file: the path itself, or the one project file in the folder it names (as the SDK takes it).</summary>
    private string? ProjectFile(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(File.Path)!, name.Replace('\\', Path.DirectorySeparatorChar)));
        if (System.IO.File.Exists(path))
        {
            return path;
        }

        var candidates = Directory.Exists(path) ? Directory.GetFiles(path, "*.*proj") : [];
        return candidates.Length == 1 ? candidates[0] : null;
    }

    /// <summary>The file's new text: the rewrites applied to the original, directives untouched.</summary>
    public (string Text, int Rejected) Apply(SourceText analysed, SourceText fixedText) =>
        TextEdits.Apply(File.Text, TextEdits.Changes(analysed, fixedText), DirectiveSpans, File.NewLine);
}
