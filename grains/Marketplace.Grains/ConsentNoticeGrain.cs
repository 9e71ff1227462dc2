using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.ConsentNoticeState")]
public sealed class ConsentNoticeState
{
    [Id(0)] public List<ConsentNotice> Versions { get; set; } = [];
}

/// <summary>Every version of one notice; a version, once published, never changes (consents point to it).</summary>
[GrainType("consentnotice")]
public sealed class ConsentNoticeGrain(
    [PersistentState("consent-notice", GrainStorage.Name)] IPersistentState<ConsentNoticeState> state,
    BillingCalendar calendar) : Grain, IConsentNoticeGrain
{
    /// <summary>Versions one notice keeps; past it the bank publishes a new notice.</summary>
    public const int MaxVersions = 100;

    public async Task<ConsentNotice> Publish(ConsentNotice draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var versions = state.State.Versions;
        var latest = versions.Count == 0 ? null : versions[^1];
        var candidate = draft with { NoticeId = NoticeId, Version = (latest?.Version ?? 0) + 1, PublishedAt = calendar.Now };
        if (latest is not null && candidate.BankId != latest.BankId)
        {
            throw new DomainException(ErrorCodes.NoticeNotFound, $"Notice '{NoticeId}' belongs to another bank.");
        }
        if (latest is not null && latest == candidate with { Version = latest.Version, PublishedAt = latest.PublishedAt })
        {
            // Publishing the same text again (a retry) is done already.
            return latest;
        }
        candidate.Validate();
        if (versions.Count >= MaxVersions)
        {
            throw new DomainException(ErrorCodes.NoticeInvalid, $"Notice '{NoticeId}' has {MaxVersions} versions; publish a new notice instead.");
        }
        versions.Add(candidate);
        await state.WriteStateAsync();
        return candidate;
    }

    public Task<ConsentNotice?> Get(int? version)
    {
        var versions = state.State.Versions;
        return Task.FromResult(version is { } v ? versions.Find(n => n.Version == v) : versions.LastOrDefault());
    }

    public Task<IReadOnlyList<ConsentNotice>> ListVersions() => Task.FromResult<IReadOnlyList<ConsentNotice>>([.. state.State.Versions]);

    private string NoticeId
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        }
    }
}
