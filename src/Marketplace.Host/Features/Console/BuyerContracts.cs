using System.Globalization;
using System.Text;
using Marketplace.Application;
using Marketplace.Application.Usage;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Contracts;

namespace Marketplace.Host.Features.Console;

/// <summary>One of a buyer's contracts as its console lists it: the offering's title and this period's use and charge.</summary>
public sealed record BuyerContractRow(ContractView Contract, string OfferingTitle, ContractUsageResponse Usage);

/// <summary>A page of a buyer's contracts, with the cursor of the next page (null on the last) and the billing period.</summary>
public sealed record BuyerContractsPage(IReadOnlyList<BuyerContractRow> Rows, string? Next, BillingPeriod Period);

/// <summary>
/// The buyer console's list, for its page and for the CSV of its chart alike: a page of the buyer's contracts
/// (<see cref="ContractScope"/>), priced for this period (<see cref="UsageStatements"/>). A status or cursor from a
/// hand-edited address is read as none, never as an error.
/// </summary>
public sealed class BuyerContracts(ContractScope contracts, UsageStatements usage, GrainReferences grains)
{
    public const int PageSize = 20;

    public static ContractStatus? StatusOf(string? status) =>
        Enum.GetValues<ContractStatus>().Cast<ContractStatus?>().FirstOrDefault(s => Wire.Name(s!.Value) == status);

    public async Task<BuyerContractsPage> PageAsync(ApiPrincipal buyer, ContractStatus? status, string? cursor, CancellationToken cancellationToken)
    {
        PageRequest request;
        try
        {
            request = ListPaging.Parse(cursor, PageSize.ToString(CultureInfo.InvariantCulture));
        }
        catch (DomainException)
        {
            request = ListPaging.Parse(null, PageSize.ToString(CultureInfo.InvariantCulture));
        }
        var page = await contracts.PageVisibleToAsync(buyer, request, status, cancellationToken: cancellationToken);
        var period = usage.PeriodOf(null);
        var used = (await usage.ForContractsAsync(page.Items, period)).Items.ToDictionary(u => u.ContractId, StringComparer.Ordinal);
        var titles = await Task.WhenAll(page.Items.Select(c => c.Terms.OfferingId).Distinct(StringComparer.Ordinal)
            .Select(async id => (Id: id, Title: (await grains.Get<IOfferingGrain>(id).Get())?.Definition.Title ?? id)));
        var titleOf = titles.ToDictionary(t => t.Id, t => t.Title, StringComparer.Ordinal);
        return new BuyerContractsPage(
            [.. page.Items.Select(c => new BuyerContractRow(c, titleOf[c.Terms.OfferingId], used[c.Id]))],
            page.Next is { } next ? ListPaging.EncodeCursor(next) : null,
            period);
    }

    /// <summary>The numbers behind the console's chart: one row per contract of the page.</summary>
    public static string Csv(BuyerContractsPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var csv = new StringBuilder();
        CsvRows.Append(csv, "period", "contract_id", "offering", "purpose", "status", "units", "unit", "events", "charge", "currency");
        foreach (var row in page.Rows)
        {
            CsvRows.Append(csv, page.Period.Id, row.Contract.Id, CsvRows.Text(row.OfferingTitle), CsvRows.Text(row.Contract.Purpose),
                Wire.Name(row.Contract.Status), N(row.Usage.Units), row.Usage.Unit, N(row.Usage.Events), N(row.Usage.Charge.MinorUnits), row.Usage.Charge.Currency);
        }
        return csv.ToString();
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

public static class BuyerConsoleEndpoints
{
    /// <summary>The CSV of the buyer console's chart, at a page address (so the session cookie opens it, as it opens the page).</summary>
    public static IEndpointRouteBuilder MapBuyerConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/buyer/usage.csv", async (string? status, string? cursor, HttpContext http, BuyerContracts contracts) =>
            {
                var page = await contracts.PageAsync(http.User.Caller(), BuyerContracts.StatusOf(status), cursor, http.RequestAborted);
                return TypedResults.File(Encoding.UTF8.GetBytes(BuyerContracts.Csv(page)), CsvRows.ContentType, $"usage-{page.Period.Id}.csv");
            })
            .WithName("BuyerUsageCsv").ExcludeFromDescription().RequireAuthorization(Policies.Buyer);
        return app;
    }
}
