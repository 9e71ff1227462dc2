using System.Collections.Concurrent;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Consent;

/// <summary>A notice as a bank drafts it; the version and publication time are the marketplace's.</summary>
public sealed record NoticeDraft(
    string? Scope,
    string? Language,
    string? Title,
    IReadOnlyList<string>? Items,
    IReadOnlyList<string>? Purposes,
    IReadOnlyList<NoticeRecipient>? Recipients,
    int RetentionDays,
    string? StorageLocation,
    string? Benefit,
    string? WithdrawalMethod,
    string? Contact);

/// <summary>How many people consent now, per purpose and recipient class (never who).</summary>
public sealed record ConsentCount(string Purpose, RecipientClass RecipientClass, long People);

/// <summary>
/// The information bank's use cases: register its people, publish notices, review recipients (its data-ethics review)
/// and see how many consent. A bank only ever reaches its own people, notices and reviews: every call names the
/// bank from the caller's principal, never from the request.
/// </summary>
public sealed class InformationBanking(GrainReferences grains, IConsentIndex consents, BillingCalendar calendar)
{
    /// <summary>How long a count of consenting people is reused (it scans the scope's consents).</summary>
    public static readonly TimeSpan CountsFreshFor = TimeSpan.FromSeconds(30);

    private const int MaxCachedCounts = 10_000;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<ConsentCount> Counts)> _counts = new(StringComparer.Ordinal);

    public async Task<DataSubjectProfile> RegisterSubjectAsync(string bankId, string? subjectId, string? displayName)
    {
        if (!Identifiers.IsValidSlug(subjectId))
        {
            throw new DomainException(DomainErrorCode.InvalidField("subjectId"),
                $"'{TextBounds.Shorten(subjectId)}' is not a subject id; use the id your records carry in their subject field: 3 to 64 lower-case letters, digits or hyphens.");
        }
        return await grains.Get<IDataSubjectGrain>(SubjectKeys.Of(bankId, subjectId!)).Register(displayName ?? "");
    }

    public async Task<DataSubjectProfile> GetSubjectAsync(string bankId, string subjectId) =>
        (Identifiers.IsValidSlug(subjectId) ? await grains.Get<IDataSubjectGrain>(SubjectKeys.Of(bankId, subjectId)).GetProfile() : null)
            ?? throw new DomainException(ErrorCodes.SubjectNotFound, $"Your bank has no data subject '{TextBounds.Shorten(subjectId)}'.");

    public async Task<ConsentNotice> PublishNoticeAsync(string bankId, string? noticeId, NoticeDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!Identifiers.IsValidSlug(noticeId))
        {
            throw new DomainException(DomainErrorCode.InvalidField("noticeId"),
                $"'{TextBounds.Shorten(noticeId)}' is not a notice id; use 3 to 64 lower-case letters, digits or hyphens.");
        }
        var scope = ConsentScope.Parse(draft.Scope);
        if (scope.Kind == ConsentScopeKind.Dataset)
        {
            var dataset = await grains.Get<IDatasetGrain>(scope.Value).Get();
            if (dataset is null || dataset.ProviderId != bankId || dataset.Definition.Class != DatasetClass.Personal)
            {
                throw new DomainException(ErrorCodes.NoticeInvalid, $"'{TextBounds.Shorten(scope.Value)}' is not one of your bank's personal datasets.");
            }
        }
        var notice = new ConsentNotice(noticeId!, 0, bankId, scope, draft.Language?.Trim() ?? "", draft.Title?.Trim() ?? "", draft.Items ?? [],
            draft.Purposes ?? [], draft.Recipients ?? [], draft.RetentionDays, draft.StorageLocation?.Trim() ?? "", draft.Benefit?.Trim() ?? "",
            draft.WithdrawalMethod?.Trim() ?? "", draft.Contact?.Trim() ?? "", calendar.Now);
        notice.Validate();
        await grains.Get<IInformationBankGrain>(bankId).AddNotice(noticeId!);
        return await grains.Get<IConsentNoticeGrain>(ConsentNoticeKeys.Of(bankId, noticeId!)).Publish(notice);
    }

    /// <summary>The current version of every notice of a bank (anyone may read a bank's notices: they are what people consent to).</summary>
    public async Task<IReadOnlyList<ConsentNotice>> ListNoticesAsync(string bankId)
    {
        if (!Identifiers.IsValidSlug(bankId))
        {
            return [];
        }
        var ids = await grains.Get<IInformationBankGrain>(bankId).ListNotices();
        var notices = await Task.WhenAll(ids.Select(id => grains.Get<IConsentNoticeGrain>(ConsentNoticeKeys.Of(bankId, id)).Get(null)));
        return [.. notices.OfType<ConsentNotice>()];
    }

    public async Task<ConsentNotice> GetNoticeAsync(string bankId, string noticeId, int? version) =>
        (Identifiers.IsValidSlug(bankId) && Identifiers.IsValidSlug(noticeId)
            ? await grains.Get<IConsentNoticeGrain>(ConsentNoticeKeys.Of(bankId, noticeId)).Get(version)
            : null)
        ?? throw new DomainException(ErrorCodes.NoticeNotFound,
            $"Bank '{TextBounds.Shorten(bankId)}' has no notice '{TextBounds.Shorten(noticeId)}'{(version is { } v ? $" version {v}" : "")}.");

    public async Task<IReadOnlyList<ConsentNotice>> NoticeVersionsAsync(string bankId, string noticeId)
    {
        await GetNoticeAsync(bankId, noticeId, null);
        return await grains.Get<IConsentNoticeGrain>(ConsentNoticeKeys.Of(bankId, noticeId)).ListVersions();
    }

    /// <summary>Records the bank's data-ethics review of a buyer: its class, the purposes approved, the certifications checked and the reviewer's note.</summary>
    public async Task<RecipientReview> ReviewAsync(string bankId, string reviewerId, string? buyerId, RecipientClass recipientClass,
        IReadOnlyList<string>? purposes, string? note, bool approved)
    {
        if (!Identifiers.IsValidSlug(buyerId) || await grains.Get<IPartyGrain>(buyerId!).GetProfile() is not { Role: PartyRole.Buyer } buyer)
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no buyer '{TextBounds.Shorten(buyerId)}' to review.");
        }
        var approvedPurposes = (purposes ?? []).Select(p => p?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        ConsentPurposes.RequireKnown(approvedPurposes, "a review");
        if (approved && approvedPurposes.Count == 0)
        {
            throw new DomainException(ErrorCodes.ReviewInvalid, "An approving review names the purposes it approves.");
        }
        if (string.IsNullOrWhiteSpace(note))
        {
            throw new DomainException(ErrorCodes.ReviewInvalid, "A review records the reviewer's note: what was checked and why it was decided so.");
        }
        TextBounds.Check(note, TextBounds.Reason, "note");
        if (!Enum.IsDefined(recipientClass))
        {
            throw new DomainException(ErrorCodes.ReviewInvalid, "A recipient class is one of public-body, academic, commercial.");
        }
        var review = new RecipientReview(bankId, buyer.Id, recipientClass, approvedPurposes, buyer.Certifications ?? [], note.Trim(), reviewerId, calendar.Now, approved);
        return await grains.Get<IInformationBankGrain>(bankId).Review(review);
    }

    public async Task<IReadOnlyList<RecipientReview>> ListReviewsAsync(string bankId) =>
        await grains.Get<IInformationBankGrain>(bankId).ListReviews();

    /// <summary>
    /// How many people consent now to a personal dataset's data, for each purpose and recipient class (a person is
    /// counted when at least one consent in force covers the dataset, the purpose and the class). Reused for
    /// <see cref="CountsFreshFor"/>.
    /// </summary>
    public async Task<IReadOnlyList<ConsentCount>> CountsAsync(DatasetView dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var profile = dataset.Definition.PersonalProfile
            ?? throw new DomainException(ErrorCodes.ConsentScopeInvalid, $"Dataset '{dataset.Id}' is not personal data; it has no consents.");
        var now = calendar.Now;
        if (_counts.TryGetValue(dataset.Id, out var cached) && now - cached.At < CountsFreshFor)
        {
            return cached.Counts;
        }
        var people = new Dictionary<(string, RecipientClass), HashSet<string>>();
        foreach (var scope in new[] { ConsentScope.ForDataset(dataset.Id), ConsentScope.ForCategory(profile.Category) })
        {
            string? after = null;
            while (true)
            {
                var page = await consents.ListByScopeAsync(dataset.ProviderId, scope, after, ConsentIndexLimits.MaxPageSize, cancellationToken);
                foreach (var grant in page.Where(g => g.IsActiveAt(now)))
                {
                    foreach (var purpose in grant.Terms.Purposes)
                    {
                        foreach (var recipientClass in grant.Terms.RecipientClasses)
                        {
                            var key = (purpose, recipientClass);
                            if (!people.TryGetValue(key, out var set))
                            {
                                people[key] = set = new HashSet<string>(StringComparer.Ordinal);
                            }
                            set.Add(grant.SubjectId);
                        }
                    }
                }
                if (page.Count < ConsentIndexLimits.MaxPageSize)
                {
                    break;
                }
                after = page[^1].RecordId;
            }
        }
        IReadOnlyList<ConsentCount> counts = [.. people
            .Select(p => new ConsentCount(p.Key.Item1, p.Key.Item2, p.Value.Count))
            .OrderBy(c => c.Purpose, StringComparer.Ordinal).ThenBy(c => c.RecipientClass)];
        if (_counts.Count >= MaxCachedCounts)
        {
            _counts.Clear();
        }
        _counts[dataset.Id] = (now, counts);
        return counts;
    }
}
