using System.Collections.Concurrent;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Consent;

/// <summary>
/// How consent stands and changed under one contract, in counts only (never who): the people whose consent covers the
/// contract's buyer and purpose now, and the consents that covered them but were withdrawn or expired since the
/// contract became active, so the buyer knows to delete what it held of them. <see cref="Personal"/> is false for a
/// contract of non-personal data (no consent applies).
/// </summary>
public sealed record ContractConsentStanding(
    bool Personal, bool Reviewed, long CoveredNow, long Withdrawn, long Expired, DateTimeOffset? Since, DateTimeOffset At);

/// <summary>
/// Reads a contract's consent standing from the consent index, a page at a time over the dataset's scope and its
/// category's scope (as <see cref="InformationBanking.CountsAsync"/> does), applying the one consent rule
/// (<see cref="ConsentEvaluation"/>) with the class the bank's review placed the buyer in.
/// </summary>
public sealed class ContractConsent(GrainReferences grains, IConsentIndex consents, BillingCalendar calendar)
{
    /// <summary>How long a contract's standing is reused: it scans the scope's consents, and the counts only inform (access is checked live).</summary>
    public static readonly TimeSpan FreshFor = InformationBanking.CountsFreshFor;

    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, ContractConsentStanding> _cache = new(StringComparer.Ordinal);

    /// <summary>The standing of a contract the caller may already see (the caller's tenancy is checked before this).</summary>
    public async Task<ContractConsentStanding> StandingAsync(ContractView contract, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var now = calendar.Now;
        if (_cache.TryGetValue(contract.Id, out var cached) && now - cached.At < FreshFor && cached.Since == contract.ActivatedAt)
        {
            return cached;
        }
        var standing = await ReadAsync(contract, now, cancellationToken);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }
        _cache[contract.Id] = standing;
        return standing;
    }

    private async Task<ContractConsentStanding> ReadAsync(ContractView contract, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dataset = await grains.Get<IDatasetGrain>(contract.Terms.DatasetId).Get();
        if (dataset?.Definition.PersonalProfile is not { } profile)
        {
            return new ContractConsentStanding(false, false, 0, 0, 0, contract.ActivatedAt, now);
        }
        var bankId = dataset.ProviderId;
        var review = await grains.Get<IInformationBankGrain>(bankId).GetReview(contract.BuyerId);
        var question = new ConsentQuestion(dataset.Id, profile, contract.BuyerId, review?.Class, contract.Purpose, now);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        long withdrawn = 0, expired = 0;
        foreach (var scope in new[] { ConsentScope.ForDataset(dataset.Id), ConsentScope.ForCategory(profile.Category) })
        {
            string? after = null;
            while (true)
            {
                var page = await consents.ListByScopeAsync(bankId, scope, after, ConsentIndexLimits.MaxPageSize, cancellationToken);
                foreach (var grant in page)
                {
                    if (ConsentEvaluation.Evaluate([grant], question).Covers)
                    {
                        covered.Add(grant.SubjectId);
                    }
                    if (contract.ActivatedAt is { } since && Ended(grant, since, now) is { } end
                        && ConsentEvaluation.Evaluate([Unended(grant)], question with { Now = end.At }).Covers)
                    {
                        // It covered this buyer and purpose up to the moment it ended.
                        if (end.Withdrawn)
                        {
                            withdrawn++;
                        }
                        else
                        {
                            expired++;
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
        return new ContractConsentStanding(true, review?.Permits(contract.Purpose) == true, covered.Count, withdrawn, expired, contract.ActivatedAt, now);
    }

    /// <summary>When a consent stopped being in force, if that happened between <paramref name="since"/> and <paramref name="now"/>.</summary>
    private static (DateTimeOffset At, bool Withdrawn)? Ended(ConsentGrant grant, DateTimeOffset since, DateTimeOffset now)
    {
        var end = grant.WithdrawnAt is { } withdrawnAt && withdrawnAt < grant.Terms.ExpiresAt
            ? (At: withdrawnAt, Withdrawn: true)
            : (At: grant.Terms.ExpiresAt, Withdrawn: false);
        return end.At >= since && end.At <= now ? end : null;
    }

    /// <summary>The grant as it stood before it ended (neither withdrawn nor expired), to ask whether it covered the contract.</summary>
    private static ConsentGrant Unended(ConsentGrant grant) =>
        grant with { WithdrawnAt = null, Terms = grant.Terms with { ExpiresAt = DateTimeOffset.MaxValue } };
}
