using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>Builds single-file Roslyn projects (file-based apps, notebook scripts) outside MSBuild.</summary>
internal static class AdhocProjects
{
    /// <summary>The usings of a file-based app (ImplicitUsings of Microsoft.NET.Sdk) and of a .NET Interactive C# kernel.</summary>
    public static readonly string[] DefaultUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http",
        "System.Text", "System.Threading", "System.Threading.Tasks",
    ];

    /// <summary>A single-document project; <paramref name="globalUsings"/> adds <c>global using …;</c> lines (a notebook's cell usings) to the regular kind's generated usings document.</summary>
    public static (Project Project, DocumentId DocumentId) Create(string name, string filePath, string text, SourceCodeKind kind,
        IEnumerable<MetadataReference> references, IEnumerable<string>? globalUsings = null)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId(name);
        var compilationOptions = new CSharpCompilationOptions(
                kind == SourceCodeKind.Script ? OutputKind.DynamicallyLinkedLibrary : OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true);
        if (kind == SourceCodeKind.Script)
        {
            compilationOptions = compilationOptions.WithUsings(DefaultUsings);
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.None, kind);
        var documentId = DocumentId.CreateNewId(projectId, filePath);
        var documents = new List<DocumentInfo>
        {
            DocumentInfo.Create(documentId, Path.GetFileName(filePath),
                loader: TextLoader.From(TextAndVersion.Create(SourceText.From(text), VersionStamp.Create(), filePath)),
                filePath: filePath, sourceCodeKind: kind),
        };
        if (kind == SourceCodeKind.Regular)
        {
            var usings = string.Concat(DefaultUsings.Select(u => $"global using global::{u};\n").Concat((globalUsings ?? []).Select(u => u + "\n")));
            documents.Add(DocumentInfo.Create(DocumentId.CreateNewId(projectId), "GlobalUsings.g.cs",
                loader: TextLoader.From(TextAndVersion.Create(SourceText.From(usings), VersionStamp.Create())),
                isGenerated: true));
        }

        var projectInfo = ProjectInfo.Create(projectId, VersionStamp.Create(), name, name, LanguageNames.CSharp,
            filePath: filePath, compilationOptions: compilationOptions, parseOptions: parseOptions,
            documents: documents, metadataReferences: references.Distinct());
        var solution = workspace.CurrentSolution.AddProject(projectInfo);
        return (solution.GetProject(projectId)!, documentId);
    }
}
