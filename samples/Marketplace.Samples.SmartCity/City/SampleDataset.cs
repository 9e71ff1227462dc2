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
/// <param name="PersonalCategory">Personal data's category (health, mobility, ...): every field but the subject is one of its data items.</param>
/// <param name="SensitiveFields">The items that are sensitive personal information (要配慮個人情報): provided only under explicit consent.</param>
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
    string? PersonalCategory = null,
    IReadOnlyList<string>? SensitiveFields = null)
{
    public const string Spatial = "Minato-Mirai";

    /// <summary>The city on GeoNames (Yokohama, where the sample's fictional city lies).</summary>
    public const string PlaceIri = "https://sws.geonames.org/1848354/";

    /// <summary>The city's extent in WGS 84, longitude before latitude.</summary>
    public const string BoundingBox = "POLYGON((139.615 35.445, 139.650 35.445, 139.650 35.472, 139.615 35.472, 139.615 35.445))";

    public const string Language = "ja";
}
