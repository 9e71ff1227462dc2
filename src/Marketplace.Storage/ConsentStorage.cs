using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Domain;

namespace Marketplace.Storage;

/// <summary>The argument checks every adapter of <see cref="IConsentIndex"/> and <see cref="IProvisionLog"/> makes, in one place.</summary>
public static class ConsentPortArguments
{
    public static void CheckGrant(ConsentGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentException.ThrowIfNullOrEmpty(grant.RecordId, nameof(grant));
        ArgumentException.ThrowIfNullOrEmpty(grant.SubjectId, nameof(grant));
        ArgumentException.ThrowIfNullOrEmpty(grant.BankId, nameof(grant));
        ArgumentNullException.ThrowIfNull(grant.Terms, nameof(grant));
        ArgumentNullException.ThrowIfNull(grant.Terms.Scope, nameof(grant));
        ArgumentOutOfRangeException.ThrowIfNegative(grant.Version, nameof(grant));
    }

    public static void CheckSubject(SubjectEntry subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentException.ThrowIfNullOrEmpty(subject.BankId, nameof(subject));
        ArgumentException.ThrowIfNullOrEmpty(subject.SubjectId, nameof(subject));
        ArgumentOutOfRangeException.ThrowIfNegative(subject.Version, nameof(subject));
    }

    /// <summary>Checks a lookup and returns its distinct subject ids (ordinal), at most <see cref="ConsentIndexLimits.MaxSubjectsPerLookup"/> asked.</summary>
    public static string[] CheckLookup(string bankId, IReadOnlyCollection<string> subjectIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(bankId);
        ArgumentNullException.ThrowIfNull(subjectIds);
        if (subjectIds.Count > ConsentIndexLimits.MaxSubjectsPerLookup)
        {
            throw new ArgumentException(
                $"A lookup names at most {ConsentIndexLimits.MaxSubjectsPerLookup} subjects ({subjectIds.Count} given).", nameof(subjectIds));
        }
        foreach (var id in subjectIds)
        {
            ArgumentException.ThrowIfNullOrEmpty(id, nameof(subjectIds));
        }
        return [.. subjectIds.Distinct(StringComparer.Ordinal)];
    }

    public static void CheckScopePage(string bankId, ConsentScope scope, int pageSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(bankId);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrEmpty(scope.Value, nameof(scope));
        CheckPageSize(pageSize);
    }

    public static void CheckPageSize(int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, ConsentIndexLimits.MaxPageSize);
    }

    public static void CheckProvisions(IReadOnlyList<Provision> provisions)
    {
        ArgumentNullException.ThrowIfNull(provisions);
        foreach (var p in provisions)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(provisions));
            ArgumentException.ThrowIfNullOrEmpty(p.EventId, nameof(provisions));
            ArgumentException.ThrowIfNullOrEmpty(p.BankId, nameof(provisions));
            ArgumentException.ThrowIfNullOrEmpty(p.SubjectId, nameof(provisions));
            ArgumentException.ThrowIfNullOrEmpty(p.ContractId, nameof(provisions));
            ArgumentException.ThrowIfNullOrEmpty(p.Period, nameof(provisions));
            ArgumentNullException.ThrowIfNull(p.Items, nameof(provisions));
            ArgumentOutOfRangeException.ThrowIfNegative(p.Records, nameof(provisions));
        }
    }

    public static void CheckSubjectPage(string bankId, string subjectId, (DateTimeOffset At, string EventId)? before, int pageSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(bankId);
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        if (before is { } b)
        {
            ArgumentException.ThrowIfNullOrEmpty(b.EventId, nameof(before));
        }
        CheckPageSize(pageSize);
    }
}

/// <summary>
/// The stored form of a <see cref="ConsentGrant"/> in both stores: JSON through explicit DTOs with fixed property names,
/// so renaming a domain member never changes what is on disk. Recipient classes are written as their codes
/// (public-body, academic, commercial), instants as UTC round-trip text. Add properties, never rename or reuse one.
/// </summary>
public static class ConsentGrantJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(ConsentGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var terms = grant.Terms;
        var stored = new StoredGrant
        {
            RecordId = grant.RecordId,
            SubjectId = grant.SubjectId,
            BankId = grant.BankId,
            Version = grant.Version,
            Scope = terms.Scope.ToString(),
            Items = [.. terms.Items],
            Purposes = [.. terms.Purposes],
            RecipientParties = [.. terms.RecipientParties],
            RecipientClasses = [.. terms.RecipientClasses.Select(ClassCode)],
            ExpiresAt = terms.ExpiresAt.ToUniversalTime(),
            SensitiveExplicit = terms.SensitiveExplicit,
            GivenAt = grant.GivenAt.ToUniversalTime(),
            WithdrawnAt = grant.WithdrawnAt?.ToUniversalTime(),
            NoticeId = grant.NoticeId,
            NoticeVersion = grant.NoticeVersion,
        };
        return JsonSerializer.Serialize(stored, Options);
    }

    /// <summary>Bound on <see cref="Parsed"/>: about 8,192 grants of a few hundred bytes each, emptied when full.</summary>
    public const int MaxParsed = 8_192;

    /// <summary>
    /// Grants already parsed, by the exact text stored: the same text is the same grant (a grant is immutable), so a
    /// personal page, which reads its people's grants from the store on every fetch so that a withdrawal takes effect
    /// at the next one, parses each stored text once. A changed grant is another text and is parsed afresh.
    /// </summary>
    private static readonly ConcurrentDictionary<string, ConsentGrant> Parsed = new(StringComparer.Ordinal);

    public static ConsentGrant Deserialize(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        if (Parsed.TryGetValue(json, out var known))
        {
            return known;
        }
        var grant = Parse(json);
        if (Parsed.Count >= MaxParsed)
        {
            Parsed.Clear();
        }
        Parsed.TryAdd(json, grant);
        return grant;
    }

    private static ConsentGrant Parse(string json)
    {
        var s = JsonSerializer.Deserialize<StoredGrant>(json, Options)
            ?? throw new InvalidDataException("A stored consent grant is empty.");
        var terms = new ConsentTerms(ParseScope(s.Scope), s.Items, s.Purposes, s.RecipientParties,
            [.. s.RecipientClasses.Select(ParseClass)], s.ExpiresAt, s.SensitiveExplicit);
        return new ConsentGrant(s.RecordId, s.SubjectId, s.BankId, s.Version, terms, s.GivenAt, s.WithdrawnAt, s.NoticeId, s.NoticeVersion);
    }

    // The scope's text form as stored: a category outside today's vocabulary still reads back.
    private static ConsentScope ParseScope(string text)
    {
        var at = text.IndexOf(':', StringComparison.Ordinal);
        return at < 0
            ? throw new InvalidDataException($"A stored consent scope '{text}' has no kind.")
            : text[..at] switch
            {
                "dataset" => ConsentScope.ForDataset(text[(at + 1)..]),
                "category" => ConsentScope.ForCategory(text[(at + 1)..]),
                _ => throw new InvalidDataException($"A stored consent scope '{text}' has an unknown kind."),
            };
    }

    private static string ClassCode(RecipientClass value) => value switch
    {
        RecipientClass.PublicBody => "public-body",
        RecipientClass.Academic => "academic",
        RecipientClass.Commercial => "commercial",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Not a recipient class."),
    };

    private static RecipientClass ParseClass(string code) => code switch
    {
        "public-body" => RecipientClass.PublicBody,
        "academic" => RecipientClass.Academic,
        "commercial" => RecipientClass.Commercial,
        _ => throw new InvalidDataException($"A stored recipient class '{code}' is unknown."),
    };

    private sealed class StoredGrant
    {
        [JsonPropertyName("recordId")] public string RecordId { get; init; } = "";
        [JsonPropertyName("subjectId")] public string SubjectId { get; init; } = "";
        [JsonPropertyName("bankId")] public string BankId { get; init; } = "";
        [JsonPropertyName("version")] public int Version { get; init; }
        [JsonPropertyName("scope")] public string Scope { get; init; } = "";
        [JsonPropertyName("items")] public string[] Items { get; init; } = [];
        [JsonPropertyName("purposes")] public string[] Purposes { get; init; } = [];
        [JsonPropertyName("recipientParties")] public string[] RecipientParties { get; init; } = [];
        [JsonPropertyName("recipientClasses")] public string[] RecipientClasses { get; init; } = [];
        [JsonPropertyName("expiresAt")] public DateTimeOffset ExpiresAt { get; init; }
        [JsonPropertyName("sensitiveExplicit")] public bool SensitiveExplicit { get; init; }
        [JsonPropertyName("givenAt")] public DateTimeOffset GivenAt { get; init; }
        [JsonPropertyName("withdrawnAt")] public DateTimeOffset? WithdrawnAt { get; init; }
        [JsonPropertyName("noticeId")] public string NoticeId { get; init; } = "";
        [JsonPropertyName("noticeVersion")] public int NoticeVersion { get; init; }
    }
}
