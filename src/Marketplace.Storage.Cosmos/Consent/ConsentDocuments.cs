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
/// Part of one usage event's record of provision: partition <c>provision/{eventId}</c> (the event's own), id
/// <c>c.{n}</c> for its n-th part. What the event's people share (bank, contract, buyer, dataset, purpose, when) is on
/// every part, as the first part has it; <c>people</c> holds each person's consent, items and records, every person in
/// exactly one part. <c>k</c> is the UTC instant in fixed-width text, '|', the event id: one field orders a person's
/// list newest first.
/// </summary>
internal sealed class ProvisionPartDocument
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("pk")] public required string PartitionKey { get; init; }

    [JsonPropertyName("k")] public required string SortKey { get; init; }

    [JsonPropertyName("eventId")] public required string EventId { get; init; }

    [JsonPropertyName("bankId")] public required string BankId { get; init; }

    [JsonPropertyName("contractId")] public required string ContractId { get; init; }

    [JsonPropertyName("buyerId")] public required string BuyerId { get; init; }

    [JsonPropertyName("datasetId")] public required string DatasetId { get; init; }

    [JsonPropertyName("purpose")] public required string Purpose { get; init; }

    [JsonPropertyName("aggregate")] public required bool Aggregate { get; init; }

    [JsonPropertyName("at")] public required string At { get; init; }

    [JsonPropertyName("period")] public required string Period { get; init; }

    [JsonPropertyName("people")] public required ProvisionPerson[] People { get; init; }

    public static string PartitionFor(string eventId) => DocumentIds.Join("provision", eventId);

    public static string IdFor(int part) => "c." + part.ToString(CultureInfo.InvariantCulture);

    public static string SortKeyFor(DateTimeOffset at, string eventId) => ConsentStamps.Stamp(at) + "|" + eventId;

    /// <summary>Part 0 of the event <paramref name="first"/> belongs to, for these people.</summary>
    public static ProvisionPartDocument For(Provision first, ProvisionPerson[] people) => new()
    {
        Id = IdFor(0),
        PartitionKey = PartitionFor(first.EventId),
        SortKey = SortKeyFor(first.At, first.EventId),
        EventId = first.EventId,
        BankId = first.BankId,
        ContractId = first.ContractId,
        BuyerId = first.BuyerId,
        DatasetId = first.DatasetId,
        Purpose = first.Purpose,
        Aggregate = first.Aggregate,
        At = ConsentStamps.Stamp(first.At),
        Period = first.Period,
        People = people,
    };

    /// <summary>Another part of the same event: the same shared fields, other people.</summary>
    public ProvisionPartDocument Part(int part, ProvisionPerson[] people) => new()
    {
        Id = IdFor(part),
        PartitionKey = PartitionKey,
        SortKey = SortKey,
        EventId = EventId,
        BankId = BankId,
        ContractId = ContractId,
        BuyerId = BuyerId,
        DatasetId = DatasetId,
        Purpose = Purpose,
        Aggregate = Aggregate,
        At = At,
        Period = Period,
        People = people,
    };
}

/// <summary>One person in a part of an event's record of provision: subject, consent record, items, records.</summary>
internal sealed class ProvisionPerson
{
    [JsonPropertyName("s")] public required string SubjectId { get; init; }

    [JsonPropertyName("c")] public required string ConsentRecordId { get; init; }

    [JsonPropertyName("i")] public required string[] Items { get; init; }

    /// <summary>Exact below 2⁵³ (Cosmos numbers are doubles): far more records than one event can serve.</summary>
    [JsonPropertyName("r")] public required long Records { get; init; }

    public static ProvisionPerson For(Provision provision) => new()
    {
        SubjectId = provision.SubjectId,
        ConsentRecordId = provision.ConsentRecordId,
        Items = [.. provision.Items],
        Records = provision.Records,
    };

    /// <summary>What this person's entry adds to a document's size, roughly (JSON text, escaping aside).</summary>
    public int EstimatedBytes() => 40 + SubjectId.Length + ConsentRecordId.Length + Items.Sum(i => i.Length + 3);
}

/// <summary>A person's provision as their list reads it: the event's fields and the person's own.</summary>
internal sealed class ProvisionRow
{
    [JsonPropertyName("k")] public string SortKey { get; init; } = "";

    [JsonPropertyName("eventId")] public string EventId { get; init; } = "";

    [JsonPropertyName("bankId")] public string BankId { get; init; } = "";

    [JsonPropertyName("contractId")] public string ContractId { get; init; } = "";

    [JsonPropertyName("buyerId")] public string BuyerId { get; init; } = "";

    [JsonPropertyName("datasetId")] public string DatasetId { get; init; } = "";

    [JsonPropertyName("purpose")] public string Purpose { get; init; } = "";

    [JsonPropertyName("aggregate")] public bool Aggregate { get; init; }

    [JsonPropertyName("at")] public string At { get; init; } = "";

    [JsonPropertyName("period")] public string Period { get; init; } = "";

    [JsonPropertyName("s")] public string SubjectId { get; init; } = "";

    [JsonPropertyName("c")] public string ConsentRecordId { get; init; } = "";

    [JsonPropertyName("i")] public string[]? Items { get; init; }

    [JsonPropertyName("r")] public long Records { get; init; }

    public Provision ToProvision() => new(EventId, BankId, SubjectId, ContractId, BuyerId, DatasetId, Purpose, ConsentRecordId,
        Items ?? [], Records, Aggregate, ConsentStamps.Parse(At), Period);
}

/// <summary>The projection a contract's period counts read: one person in one event.</summary>
internal sealed class ProvisionCountRow
{
    [JsonPropertyName("s")] public string SubjectId { get; init; } = "";

    [JsonPropertyName("r")] public long Records { get; init; }

    [JsonPropertyName("aggregate")] public bool Aggregate { get; init; }
}

/// <summary>What a prune needs of a part: where it is, and its event.</summary>
internal sealed class ProvisionPartRef
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";

    [JsonPropertyName("pk")] public string PartitionKey { get; init; } = "";

    [JsonPropertyName("eventId")] public string EventId { get; init; } = "";
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
