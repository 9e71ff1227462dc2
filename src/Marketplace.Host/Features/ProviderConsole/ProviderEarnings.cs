using System.Globalization;
using System.Text;
using Marketplace.Application;
using Marketplace.Application.Usage;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Contracts;
using Marketplace.Storage;

namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>A provider's use and earnings this period per offering, whether the contracts counted stopped at the cap, and how many requests await it.</summary>
public sealed record ProviderEarningsReport(BillingPeriod Period, IReadOnlyList<OfferingEarnings> Earnings, bool Truncated, int Pending);

/// <summary>
/// The provider console's earnings, for its page and for the CSV of its chart alike: its contracts (the first
/// <see cref="MaxContracts"/>), priced for this period by their own terms.
/// </summary>
public sealed class ProviderEarnings(ContractScope contracts, UsageStatements statements)
{
    public const int MaxContracts = 1_000;

    public async Task<ProviderEarningsReport> ThisPeriodAsync(ApiPrincipal provider, CancellationToken cancellationToken)
    {
        var period = statements.PeriodOf(null);
        var held = new List<ContractView>();
        IndexPosition? after = null;
        do
        {
            var page = await contracts.PageVisibleToAsync(provider, new PageRequest(after, ListPaging.MaxPageSize), cancellationToken: cancellationToken);
            held.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null && held.Count < MaxContracts);
        var usage = await statements.ForContractsAsync([.. held.Where(c => c.ActivatedAt is not null)], period);
        return new ProviderEarningsReport(period, OfferingEarnings.Of(usage.Items), after is not null, held.Count(c => c.Status == ContractStatus.Requested));
    }

    /// <summary>The numbers behind the earnings chart, one row per offering, unit and currency.</summary>
    public static string Csv(ProviderEarningsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        CsvRows.Append(csv, "period", "offering_id", "contracts", "units", "unit", "events", "earnings", "currency");
        foreach (var e in report.Earnings)
        {
            CsvRows.Append(csv, report.Period.Id, e.OfferingId, N(e.Contracts), N(e.Units), e.Unit, N(e.Events), N(e.ChargeMinorUnits), e.Currency);
        }
        return csv.ToString();
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The CSV at a page address, so the session cookie opens it as it opens the console.</summary>
    public static IEndpointRouteBuilder MapProviderEarningsCsv(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/console/provider/earnings.csv", async (HttpContext http, ProviderEarnings earnings) =>
            {
                var report = await earnings.ThisPeriodAsync(http.User.Caller(), http.RequestAborted);
                return TypedResults.File(Encoding.UTF8.GetBytes(Csv(report)), CsvRows.ContentType, $"earnings-{report.Period.Id}.csv");
            })
            .WithName("ProviderEarningsCsv").ExcludeFromDescription().RequireAuthorization(Policies.Provider);
        return app;
    }
}
