using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Catalog;

/// <summary>
/// A sample of an offering's records as its page and the API show it: the first rows (at most
/// <see cref="RecordPreview.MaxRows"/>) of the dataset's current revision, each the record's own JSON object.
/// </summary>
/// <param name="RevisionId">The revision the rows come from; null (and no rows) while the dataset has none published.</param>
/// <param name="Records">How many records the whole revision holds.</param>
public sealed record RecordSample(string OfferingId, string? RevisionId, long Records, DatasetSchema Schema, IReadOnlyList<JsonElement> Rows);

/// <summary>
/// Previews of offerings, for the offering page and the API alike. Who may see an offering is decided by
/// <see cref="CatalogBrowsing"/> (what it answers as absent is absent here too); whether its page shows rows by
/// <see cref="RecordPreview"/> (the provider's setting or its class's default, never for personal data).
/// A preview is free and unmetered: no contract is involved and no usage is recorded, since it is what a visitor
/// looks at before deciding to subscribe, and it is bounded to a few rows read once per page view.
/// </summary>
public sealed class OfferingPreview(CatalogBrowsing catalog, IRecordStore records)
{
    /// <summary>Whether the entry's page shows rows (the offering's setting, and its dataset is not personal data).</summary>
    public static bool IsShown(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Offering.ShowsPreview
            && entry.Dataset is { } dataset
            && RecordPreview.IsShown(dataset.Definition.Class, entry.Offering.Definition.Preview);
    }

    /// <summary>
    /// The preview of an offering the caller (null: an anonymous visitor) may see. Answers 404 as the catalog does for
    /// an offering the caller may not see, and 404 <c>offering.no-preview</c> for one whose page shows no rows.
    /// </summary>
    public async Task<RecordSample> ReadAsync(ApiPrincipal? caller, string offeringId, CancellationToken cancellationToken = default)
    {
        var entry = await catalog.FindEntryAsync(caller, offeringId)
            ?? throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{offeringId}'.");
        return await ReadAsync(entry, cancellationToken)
            ?? throw new DomainException(ErrorCodes.OfferingNoPreview,
                $"Offering '{offeringId}' shows no preview of its records: its provider turned it off, or it is personal data (schema and record count only). Subscribe to read its records.");
    }

    /// <summary>The preview of an entry already found for its caller; null when its page shows no rows.</summary>
    public async Task<RecordSample?> ReadAsync(CatalogEntry entry, CancellationToken cancellationToken = default)
    {
        if (!IsShown(entry))
        {
            return null;
        }
        var dataset = entry.Dataset!;
        if (dataset.CurrentRevision is not { } revision)
        {
            return new RecordSample(entry.Offering.Id, null, 0, dataset.Definition.Schema, []);
        }
        // Not metered: see the class comment.
        var page = await records.ReadPageAsync(revision.RevisionId, 0, RecordPreview.MaxRows, [], cancellationToken);
        var rows = new List<JsonElement>(page.Records.Count);
        foreach (var record in page.Records)
        {
            using var json = JsonDocument.Parse(record.Json);
            rows.Add(json.RootElement.Clone());
        }
        return new RecordSample(entry.Offering.Id, revision.RevisionId, revision.Records, dataset.Definition.Schema, rows);
    }
}
