using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Consent;

/// <summary>The secret of the buyers' pseudonyms (at least 256 bits), kept by the host; never leaves the process.</summary>
public sealed class PseudonymKey
{
    private readonly byte[] _key;

    public PseudonymKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < SubjectPseudonym.MinKeyBytes)
        {
            throw new ArgumentException($"A pseudonym key has at least {SubjectPseudonym.MinKeyBytes} bytes.", nameof(key));
        }
        _key = [.. key];
    }

    public string For(string contractId, string subjectId) => SubjectPseudonym.For(_key, contractId, subjectId);
}

/// <summary>A page of personal records as it may leave: the projected records, and what was provided of whom.</summary>
public sealed record PersonalPage(RecordPage Page, IReadOnlyList<Provision> Provisions);

/// <summary>Who is asking for personal data, and under what: the contract's buyer, purpose and dataset.</summary>
public sealed record PersonalAccess(string ContractId, string BuyerId, string Purpose, DatasetView Dataset, DateTimeOffset Now, string Period);

/// <summary>
/// Consent enforced on every access to personal data, in one place (the record fetch and aggregates both come here).
/// The people on a page are looked up in the consent index at the moment of access, never in a cache, so a withdrawal
/// or expiry holds from the very next access on every host. A record is provided only when its person's consent covers
/// this buyer (by name, or by the class the bank's review placed it in), this purpose and at least one data item; it
/// leaves with only the covered items and the buyer's per-contract pseudonym in place of the subject id.
/// </summary>
public sealed class PersonalDataAccess(GrainReferences grains, IConsentIndex consents, PseudonymKey pseudonyms, Telemetry.MarketplaceMetrics metrics)
{
    /// <summary>
    /// The bank's review of the buyer: no review approving this purpose, no personal data (the bank's data-ethics
    /// review comes before any data flows).
    /// </summary>
    public async Task<RecipientReview> RequireReviewAsync(string bankId, string buyerId, string purpose)
    {
        var review = await grains.Get<IInformationBankGrain>(bankId).GetReview(buyerId);
        if (review is null || !review.Permits(purpose))
        {
            throw new DomainException(ErrorCodes.RecipientNotReviewed, review is null
                ? $"The information bank '{bankId}' has not reviewed your party yet; its data-ethics review comes before any personal data flows. Ask the bank to review you for '{purpose}'."
                : $"The information bank '{bankId}' has not approved your party for the purpose '{purpose}'{(review.Approved ? "" : " (its review refused)")}; no personal data is provided.");
        }
        return review;
    }

    /// <summary>What each person's consents cover for this access, for the given people (at most one page's worth).</summary>
    public async Task<IReadOnlyDictionary<string, ConsentCoverage>> CoverageAsync(
        PersonalAccess access, RecipientClass buyerClass, IReadOnlyCollection<string> subjectIds, bool forAggregate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(subjectIds);
        var profile = access.Dataset.Definition.PersonalProfile
            ?? throw new InvalidOperationException($"Dataset '{access.Dataset.Id}' is not personal.");
        var bankId = access.Dataset.ProviderId;
        var coverage = new Dictionary<string, ConsentCoverage>(StringComparer.Ordinal);
        if (subjectIds.Count == 0)
        {
            return coverage;
        }
        var lookingUp = consents.FindBySubjectsAsync(bankId, subjectIds, cancellationToken);
        var standing = forAggregate ? await consents.FindSubjectsAsync(bankId, subjectIds, cancellationToken) : [];
        var grants = await lookingUp;
        var optedOut = standing.Where(s => s.AggregateOptOut || s.DeletionRequestedAt is not null).Select(s => s.SubjectId).ToHashSet(StringComparer.Ordinal);
        var question = new ConsentQuestion(access.Dataset.Id, profile, access.BuyerId, buyerClass, access.Purpose, access.Now);
        foreach (var ofSubject in grants.GroupBy(g => g.SubjectId, StringComparer.Ordinal))
        {
            if (optedOut.Contains(ofSubject.Key))
            {
                continue;
            }
            var covered = ConsentEvaluation.Evaluate(ofSubject, question);
            if (covered.Covers)
            {
                coverage[ofSubject.Key] = covered;
            }
        }
        return coverage;
    }

    /// <summary>
    /// Filters and projects one page read from the store: records of people whose consent does not cover this access
    /// are left out; the rest carry only their covered items. <paramref name="eventId"/> is the usage event the page is
    /// metered under (each provision is recorded once per event and person).
    /// </summary>
    public async Task<PersonalPage> FilterAsync(PersonalAccess access, RecordPage page, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(page);
        var review = await RequireReviewAsync(access.Dataset.ProviderId, access.BuyerId, access.Purpose);
        var subjects = page.Records.Select(r => r.SubjectId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var coverage = await CoverageAsync(access, review.Class, subjects, forAggregate: false, cancellationToken);
        var subjectField = access.Dataset.Definition.Schema.SubjectField!;
        var served = new List<StoredRecord>(page.Records.Count);
        var perSubject = new Dictionary<string, (ConsentCoverage Coverage, long Records)>(StringComparer.Ordinal);
        foreach (var record in page.Records)
        {
            if (record.SubjectId is not { } subject || !coverage.TryGetValue(subject, out var covered))
            {
                continue;
            }
            var pseudonym = pseudonyms.For(access.ContractId, subject);
            served.Add(new StoredRecord(record.Sequence, pseudonym, PersonalRecordProjection.Project(record.Json, subjectField, pseudonym, covered.Items)));
            perSubject[subject] = (covered, perSubject.TryGetValue(subject, out var seen) ? seen.Records + 1 : 1);
        }
        var provisions = perSubject
            .Select(p => new Provision(eventId, access.Dataset.ProviderId, p.Key, access.ContractId, access.BuyerId, access.Dataset.Id,
                access.Purpose, p.Value.Coverage.RecordId!, p.Value.Coverage.Items, p.Value.Records, Aggregate: false, access.Now, access.Period))
            .ToList();
        metrics.ConsentDenials(page.Records.Count - served.Count);
        return new PersonalPage(new RecordPage(served, page.NextAfterSequence), provisions);
    }
}
