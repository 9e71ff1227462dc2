using Marketplace.Application.Consent;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Aggregates;

/// <summary>
/// Who may be counted in a contract's aggregates: of <paramref name="subjectIds"/> (the subjects of one page of the
/// dataset's records), those whose records may be counted for this contract's buyer and purpose now, reading
/// <paramref name="fields"/> (the dimensions and measure of the query). Asked once per page, at the moment of the query,
/// so a withdrawal or an opt-out takes effect on the next query. The answer maps each person counted to the consent
/// record they are counted under (empty for data that is not personal), for the record of provision.
/// </summary>
public interface IAggregateConsent
{
    Task<IReadOnlyDictionary<string, string>> CountedAsync(
        ContractView contract, DatasetView dataset, IReadOnlyCollection<string> subjectIds, IReadOnlyCollection<string> fields, CancellationToken ct);
}

/// <summary>
/// Counting under consent: data that is not personal counts everyone. In personal data a person counts when the bank
/// has reviewed the buyer for the contract's purpose, the person's consent in force now covers this buyer (or its class),
/// this purpose and every data item the query groups by or measures, and the person has not opted out of statistics
/// (nor asked for deletion). Everyone else is left out before grouping, so they are in no count, sum or suppression
/// figure. The consent rule itself is <see cref="PersonalDataAccess.CoverageAsync"/>'s, the one the record fetch uses.
/// </summary>
public sealed class ConsentedAggregateCounting(PersonalDataAccess personal, BillingCalendar calendar) : IAggregateConsent
{
    public async Task<IReadOnlyDictionary<string, string>> CountedAsync(
        ContractView contract, DatasetView dataset, IReadOnlyCollection<string> subjectIds, IReadOnlyCollection<string> fields, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(subjectIds);
        ArgumentNullException.ThrowIfNull(fields);
        if (dataset.Definition.PersonalProfile is not { } profile)
        {
            return subjectIds.Distinct(StringComparer.Ordinal).ToDictionary(s => s, _ => "", StringComparer.Ordinal);
        }
        var review = await personal.RequireReviewAsync(dataset.ProviderId, contract.BuyerId, contract.Purpose);
        var access = new PersonalAccess(contract.Id, contract.BuyerId, contract.Purpose, dataset, calendar.Now, calendar.CurrentPeriod().Id);
        var coverage = await personal.CoverageAsync(access, review.Class, subjectIds, forAggregate: true, ct);
        // Fields that are not data items are never personal data of anyone (the offering refuses them as dimensions).
        var items = fields.Where(f => profile.Find(f) is not null).ToList();
        return coverage.Where(c => items.All(item => c.Value.Items.Contains(item, StringComparer.Ordinal)))
            .ToDictionary(c => c.Key, c => c.Value.RecordId ?? "", StringComparer.Ordinal);
    }
}
