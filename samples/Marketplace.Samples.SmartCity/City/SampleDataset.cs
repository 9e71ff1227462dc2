using Marketplace.Samples.SmartCity.Tables;

namespace Marketplace.Samples.SmartCity.City;

public enum DatasetClass
{
    Public,
    Private,
    Personal,
}

/// <summary>A dataset of the sample city: its catalogue description, its rows and the format they are uploaded in.</summary>
/// <param name="Themes">EU data themes (TRAN, ENVI, SOCI, HEAL, ECON, ...).</param>
/// <param name="TemporalEnd">Null while the dataset is still being added to.</param>
/// <param name="SubjectField">The field naming the data subject; set only on personal data.</param>
/// <param name="Personal">A personal dataset's data category and items; null for the default (every field an item).</param>
public sealed record SampleDataset(
    string Id,
    string ProviderId,
    DatasetClass Class,
    string Title,
    string Description,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Themes,
    string Licence,
    DateTimeOffset TemporalStart,
    DateTimeOffset? TemporalEnd,
    string UpdateFrequency,
    RowFormat Format,
    Table Table,
    string? SubjectField = null,
    SamplePersonalData? Personal = null)
{
    public const string Spatial = "Minato-Mirai";

    public const string Language = "ja";
}

/// <summary>What a personal dataset declares: its data category and its data items, with the sensitive ones (要配慮個人情報) named apart.</summary>
public sealed record SamplePersonalData(string Category, IReadOnlyList<string> Items, IReadOnlyList<string>? SensitiveItems = null);
