using System.Globalization;
using Marketplace.Client;

namespace Marketplace.Samples.BuyerClient;

/// <summary>A buyer's way through the marketplace: find an offering, hold a contract for it, read its records.</summary>
internal sealed class Purchase(MarketplaceClient marketplace, TextWriter output)
{
    public const int PageSize = 500;

    public async Task<int> RunAsync(string offeringId, string purpose, CancellationToken cancellationToken)
    {
        var listing = await FindListingAsync(offeringId, cancellationToken);
        if (listing is null)
        {
            output.WriteLine($"No listed offering '{offeringId}' in the catalog.");
            return 1;
        }

        output.WriteLine($"offering {listing.OfferingId}: {listing.Title}");
        output.WriteLine($"  dataset {listing.DatasetId} from {listing.ProviderName}, {(listing.IsFree ? "free" : listing.PriceSummary)}");

        var contract = await ContractForAsync(offeringId, purpose, cancellationToken);
        if (contract.Is(ContractStatuses.Requested))
        {
            output.WriteLine($"waiting for provider approval: contract {contract.Id}");
            return 0;
        }

        if (!contract.Is(ContractStatuses.Active))
        {
            output.WriteLine($"contract {contract.Id} is {contract.Status}; no records can be read under it.");
            return 1;
        }

        output.WriteLine($"contract {contract.Id} is active for {contract.Purpose}");
        var (records, pages) = await ReadAllAsync(contract.Id, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read {records:N0} records in {pages:N0} pages"));

        var usage = await marketplace.GetUsageAsync(cancellationToken: cancellationToken);
        var mine = usage.Items.Where(i => i.ContractId == contract.Id).ToList();
        if (mine.Count == 0)
        {
            output.WriteLine($"usage {usage.Period}: nothing recorded for this contract yet");
        }

        foreach (var item in mine)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"usage {usage.Period}: {item.Units:N0} {item.Unit}(s) in {item.Events:N0} events, charge {Format(item.Charge)}"));
        }

        return 0;
    }

    // The search text is the offering id; a full-text search need not match ids, so fall back to the whole catalog.
    private async Task<CatalogItem?> FindListingAsync(string offeringId, CancellationToken cancellationToken)
    {
        foreach (var query in new[] { offeringId, null })
        {
            for (var page = 1; ; page++)
            {
                var results = await marketplace.SearchCatalogAsync(new CatalogQuery(Text: query, Page: page, PageSize: 50), cancellationToken);
                var match = results.Items.FirstOrDefault(i => i.OfferingId == offeringId);
                if (match is not null)
                {
                    return match;
                }

                if (results.Items.Count == 0 || page * results.PageSize >= results.Total)
                {
                    break;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Reuses a contract this buyer already holds for the same offering and purpose (data bought for one purpose
    /// may not be used for another); only otherwise asks for a new one.
    /// </summary>
    private async Task<Contract> ContractForAsync(string offeringId, string purpose, CancellationToken cancellationToken)
    {
        var held = (await marketplace.ListContractsAsync(offeringId: offeringId, pageSize: 200, cancellationToken: cancellationToken)).Items
            .Where(c => c.OfferingId == offeringId && c.Purpose == purpose)
            .ToList();
        var existing = held.FirstOrDefault(c => c.Is(ContractStatuses.Active)) ?? held.FirstOrDefault(c => c.Is(ContractStatuses.Requested));
        if (existing is not null)
        {
            output.WriteLine($"reusing contract {existing.Id} ({existing.Status})");
            return existing;
        }

        var contract = await marketplace.SubscribeAsync(offeringId, purpose, cancellationToken);
        output.WriteLine($"requested contract {contract.Id} for {purpose}: {contract.Status}");
        return contract;
    }

    private async Task<(long Records, int Pages)> ReadAllAsync(string contractId, CancellationToken cancellationToken)
    {
        long records = 0;
        var pages = 0;
        string? cursor = null;
        do
        {
            // Each page is metered, so it carries an idempotency key: the client's retries after a lost answer send the
            // same key, and the marketplace charges the page once.
            var page = await marketplace.GetRecordsAsync(
                contractId, new RecordsQuery(cursor, PageSize), Guid.NewGuid().ToString(), cancellationToken);
            records += page.Records.Count;
            pages++;
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return (records, pages);
    }

    private static string Format(Money? charge)
    {
        if (charge is null)
        {
            return "none";
        }

        // ISO 4217 minor digits: the yen has none; the sample meets no other currency without two.
        return charge.Currency is "JPY" or "KRW"
            ? string.Create(CultureInfo.InvariantCulture, $"{charge.Currency} {charge.MinorUnits:N0}")
            : string.Create(CultureInfo.InvariantCulture, $"{charge.Currency} {charge.MinorUnits / 100m:N2}");
    }
}
