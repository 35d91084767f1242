namespace TorchTrainer;

/// <summary>The layout of results.json: the keys beyond <see cref="ResultKeys"/> and the schema versions.</summary>
internal static class ResultsSchema
{
    /// <summary>The schema this version writes, and the newest major schema it reads.</summary>
    public const int CurrentVersion = 4;

    /// <summary>The schema of the files TorchTrainer v3.x wrote (they carry no version key).</summary>
    public const int LegacyVersion = 3;

    public const string SchemaVersion = "schema_version";
    public const string Columns = "columns";
    public const string Rows = "rows";
    public const string DeprecatedKeys = "deprecated_keys";

    /// <summary>How non-finite numbers other than NaN are written (NaN is written as null).</summary>
    public const string PositiveInfinity = "Infinity";
    public const string NegativeInfinity = "-Infinity";
    public const string NotANumber = "NaN";
}
