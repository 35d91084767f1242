using System.Collections;
using Microsoft.Build.Framework;

namespace TorchTrainer.Tests.Native;

/// <summary>An MSBuild engine stand-in that records what a task logs.</summary>
internal sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildMessageEventArgs> Messages { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildErrorEventArgs> Errors { get; } = [];

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
    public void LogCustomEvent(CustomBuildEventArgs e) { }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();
}
