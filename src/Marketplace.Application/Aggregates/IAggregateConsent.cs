using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Aggregates;

/// <summary>
/// Who may be counted in a contract's aggregates: of <paramref name="subjectIds"/> (the subjects of one page of the
/// dataset's records), those whose records may be counted for this contract's buyer and purpose now. Asked once per
/// page, at the moment of the query, so a withdrawal or an opt-out takes effect on the next query.
/// </summary>
public interface IAggregateConsent
{
    Task<IReadOnlySet<string>> CountedAsync(ContractView contract, DatasetView dataset, IReadOnlyCollection<string> subjectIds, CancellationToken ct);
}

/// <summary>
/// The seam's stand-in until the consent service is plugged in: data that is not personal counts everyone; personal
/// data counts no one (consent's default is deny), so nothing about a person leaves before their consent is checked.
/// The consent-aware implementation counts a person whose consent covers the buyer, the purpose and the data items
/// grouped and measured, and who has not opted out of statistics.
/// </summary>
public sealed class DatasetClassAggregateConsent : IAggregateConsent
{
    private static readonly IReadOnlySet<string> Nobody = new HashSet<string>();

    public Task<IReadOnlySet<string>> CountedAsync(ContractView contract, DatasetView dataset, IReadOnlyCollection<string> subjectIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(subjectIds);
        return Task.FromResult(dataset.Definition.Class == DatasetClass.Personal
            ? Nobody
            : (IReadOnlySet<string>)new HashSet<string>(subjectIds, StringComparer.Ordinal));
    }
}
