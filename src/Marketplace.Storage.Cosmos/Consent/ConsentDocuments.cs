using System.Globalization;
using System.Text.Json.Serialization;
using Marketplace.Domain;

namespace Marketplace.Storage.Cosmos.Consent;

/// <summary>
/// One consent record of one person: partition <c>consent/{bank}/{subject}</c> (the person's consents and standing
/// together), id <c>g.{recordId}</c>. <c>g</c> is the grant in its stored JSON form (<see cref="ConsentGrantJson"/>, not
/// indexed); the fields beside it are what queries and the version guard read.
/// </summary>
internal sealed class GrantDocument
{
    public const string Kind = "grant";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string DocumentKind { get; init; } = Kind;

    [JsonPropertyName("recordId")] public required string RecordId { get; init; }

    [JsonPropertyName("bankId")] public required string BankId { get; init; }

    [JsonPropertyName("subjectId")] public required string SubjectId { get; init; }

    [JsonPropertyName("scope")] public required string Scope { get; init; }

    [JsonPropertyName("version")] public required int Version { get; init; }

    [JsonPropertyName("g")] public required string Grant { get; init; }

    /// <summary>Fresh per write, so a retried write whose first attempt landed recognises its own document.</summary>
    [JsonPropertyName("w")] public required string WriteToken { get; init; }

    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string PartitionFor(string bankId, string subjectId) => DocumentIds.Join("consent", bankId, subjectId);

    public static string IdFor(string recordId) => DocumentIds.For("g.", recordId);

    public static GrantDocument For(ConsentGrant grant) => new()
    {
        Id = IdFor(grant.RecordId),
        PartitionKey = PartitionFor(grant.BankId, grant.SubjectId),
        RecordId = grant.RecordId,
        BankId = grant.BankId,
        SubjectId = grant.SubjectId,
        Scope = grant.Terms.Scope.ToString(),
        Version = grant.Version,
        Grant = ConsentGrantJson.Serialize(grant),
        WriteToken = Guid.NewGuid().ToString("N"),
    };
}

/// <summary>A person's standing at their bank: in the partition of their consents, id <c>subject</c>.</summary>
internal sealed class SubjectDocument
{
    public const string Kind = "subject";
    public const string DocumentId = "subject";

    [JsonPropertyName("id")] public string Id { get; init; } = DocumentId;

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string DocumentKind { get; init; } = Kind;

    [JsonPropertyName("bankId")] public required string BankId { get; init; }

    [JsonPropertyName("subjectId")] public required string SubjectId { get; init; }

    [JsonPropertyName("optOut")] public required bool AggregateOptOut { get; init; }

    [JsonPropertyName("deletionRequestedAt")] public string? DeletionRequestedAt { get; init; }

    [JsonPropertyName("version")] public required int Version { get; init; }

    [JsonPropertyName("w")] public required string WriteToken { get; init; }

    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static SubjectDocument For(SubjectEntry subject) => new()
    {
        PartitionKey = GrantDocument.PartitionFor(subject.BankId, subject.SubjectId),
        BankId = subject.BankId,
        SubjectId = subject.SubjectId,
        AggregateOptOut = subject.AggregateOptOut,
        DeletionRequestedAt = subject.DeletionRequestedAt is { } at ? ConsentStamps.Stamp(at) : null,
        Version = subject.Version,
        WriteToken = Guid.NewGuid().ToString("N"),
    };

    public SubjectEntry ToEntry() => new(BankId, SubjectId, AggregateOptOut,
        DeletionRequestedAt is null ? null : ConsentStamps.Parse(DeletionRequestedAt), Version);
}

/// <summary>
/// One provision of one person's records under one usage event: partition <c>provision/{bank}/{subject}</c> (the person's
/// record of provision), id <c>p.{eventId}</c>, so (event, person) is unique by construction and a repeat is a 409.
/// <c>k</c> is the UTC instant in fixed-width text, '|', the event id: one field orders the person's list newest first.
/// </summary>
internal sealed class ProvisionDocument
{
    public const string Kind = "provision";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("kind")] public string DocumentKind { get; init; } = Kind;

    [JsonPropertyName("k")] public required string SortKey { get; init; }

    [JsonPropertyName("eventId")] public required string EventId { get; init; }

    [JsonPropertyName("bankId")] public required string BankId { get; init; }

    [JsonPropertyName("subjectId")] public required string SubjectId { get; init; }

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("buyerId")] public required string BuyerId { get; init; }

    [JsonPropertyName("datasetId")] public required string DatasetId { get; init; }

    [JsonPropertyName("purpose")] public required string Purpose { get; init; }

    [JsonPropertyName("consentRecordId")] public required string ConsentRecordId { get; init; }

    [JsonPropertyName("items")] public required string[] Items { get; init; }

    /// <summary>Exact below 2⁵³ (Cosmos numbers are doubles): far more records than one event can serve.</summary>
    [JsonPropertyName("records")] public required long Records { get; init; }

    [JsonPropertyName("aggregate")] public required bool Aggregate { get; init; }

    [JsonPropertyName("at")] public required string At { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    public static string PartitionFor(string bankId, string subjectId) => DocumentIds.Join("provision", bankId, subjectId);

    public static string SortKeyFor(DateTimeOffset at, string eventId) => ConsentStamps.Stamp(at) + "|" + eventId;

    public static ProvisionDocument For(Provision provision) => new()
    {
        Id = DocumentIds.For("p.", provision.EventId),
        PartitionKey = PartitionFor(provision.BankId, provision.SubjectId),
        SortKey = SortKeyFor(provision.At, provision.EventId),
        EventId = provision.EventId,
        BankId = provision.BankId,
        SubjectId = provision.SubjectId,
        ContractId = provision.ContractId,
        BuyerId = provision.BuyerId,
        DatasetId = provision.DatasetId,
        Purpose = provision.Purpose,
        ConsentRecordId = provision.ConsentRecordId,
        Items = [.. provision.Items],
        Records = provision.Records,
        Aggregate = provision.Aggregate,
        At = ConsentStamps.Stamp(provision.At),
        Period = provision.Period,
    };

    public Provision ToProvision() => new(EventId, BankId, SubjectId, ContractId, BuyerId, DatasetId, Purpose, ConsentRecordId,
        Items, Records, Aggregate, ConsentStamps.Parse(At), Period);
}

/// <summary>The projection a contract's period counts read.</summary>
internal sealed class ProvisionCountRow
{
    [JsonPropertyName("subjectId")] public string SubjectId { get; init; } = "";

    [JsonPropertyName("records")] public long Records { get; init; }

    [JsonPropertyName("aggregate")] public bool Aggregate { get; init; }
}

internal sealed class GrantRow
{
    [JsonPropertyName("g")] public string Grant { get; init; } = "";
}

internal static class ConsentStamps
{
    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
