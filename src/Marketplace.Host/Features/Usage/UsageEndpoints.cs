using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Host.Features.Usage;

public static class UsageEndpoints
{
    public static IEndpointRouteBuilder MapUsageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Usage");

        group.MapGet("/usage", GetUsage).WithName("GetUsage")
            .WithSummary("Usage and charges per contract for a billing period (default: the current one). Buyer: yours; provider: on your offerings; operator: all. "
                + "A page of contracts at a time (cursor, pageSize 1-200, default 50; follow 'next' or the Link header).")
            .RequireAuthorization().ProducesProblem(400);
        group.MapGet("/contracts/{id}/usage", GetContractUsage).WithName("GetContractUsage")
            .WithSummary("Usage and charge of one contract for a billing period.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(404);
        group.MapPost("/usage", ReportUsage).WithName("ReportUsage")
            .WithSummary("Report usage of data you serve yourself (provider): up to 10,000 events, idempotent by eventId; "
                + "events for contracts that are not yours or not active are rejected one by one, the rest accepted.")
            .RequireAuthorization(Policies.Provider).ProducesProblem(400).ProducesProblem(413);
        return app;
    }

    private static async Task<Ok<UsageResponse>> GetUsage(
        string? period, string? cursor, string? pageSize, HttpContext http, ContractScope scope, IGrainFactory grains, BillingCalendar calendar)
    {
        var p = PeriodOf(period, calendar);
        var contracts = await scope.PageVisibleToAsync(http.User.Caller(), ListPaging.Parse(cursor, pageSize), cancellationToken: http.RequestAborted);
        var items = await Task.WhenAll(contracts.Items.Select(c => UsageOf(c, p, grains)));
        return TypedResults.Ok(new UsageResponse(p.Id, items, ListPaging.Next(http, contracts.Next)));
    }

    private static async Task<Ok<UsageResponse>> GetContractUsage(string id, string? period, HttpContext http, ContractScope scope, IGrainFactory grains, BillingCalendar calendar)
    {
        var p = PeriodOf(period, calendar);
        var contract = await scope.GetAsync(id, http.User.Caller());
        return TypedResults.Ok(new UsageResponse(p.Id, [await UsageOf(contract, p, grains)]));
    }

    private static async Task<Ok<UsageReportResponse>> ReportUsage(
        UsageReportRequest request, HttpContext http, IGrainFactory grains, BillingCalendar calendar, IOptions<MarketplaceOptions> options)
    {
        var provider = http.User.Caller().PartyId;
        var events = request.Events ?? [];
        if (events.Count == 0)
        {
            throw new DomainException(ErrorCodes.UsageEmpty, "Send at least one event: { \"events\": [ { \"eventId\", \"contractId\", \"units\", \"occurredAt\" } ] }.");
        }
        if (events.Count > options.Value.MaxUsageEventsPerReport)
        {
            throw new DomainException(ErrorCodes.UsageTooLarge, $"A report holds at most {options.Value.MaxUsageEventsPerReport} events; split it into several.");
        }

        var report = new UsageReport(events, calendar.Now);
        foreach (var group in report.Acceptable().GroupBy(e => e.Event.ContractId!, StringComparer.Ordinal))
        {
            var contract = await grains.GetGrain<IContractGrain>(group.Key).Get();
            var problem = contract is null || contract.Terms.ProviderId != provider
                ? $"Contract '{group.Key}' is not a contract on your offerings."
                : contract.Status != ContractStatus.Active ? $"Contract '{group.Key}' is {contract.Status}, not active." : null;
            if (problem is not null)
            {
                report.RejectAll(group, problem);
                continue;
            }
            foreach (var byPeriod in group.GroupBy(e => calendar.PeriodOf(e.Event.OccurredAt!.Value).Id, StringComparer.Ordinal))
            {
                var meter = grains.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(group.Key, byPeriod.Key));
                var receipts = await meter.RecordBatch([.. byPeriod.Select(e =>
                    new UsageEvent(e.Event.EventId!, e.Event.Units, e.Event.OccurredAt!.Value, UsageSources.Provider(provider), null))]);
                report.Count(receipts);
            }
        }
        return TypedResults.Ok(report.ToResponse());
    }

    private static async Task<ContractUsageResponse> UsageOf(ContractView c, BillingPeriod period, IGrainFactory grains)
    {
        var totals = await grains.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(c.Id, period.Id)).GetTotals();
        var plan = c.Terms.Pricing;
        var charge = c.ActivatedAt is null ? Money.Zero(plan.Currency) : plan.PriceFor(totals.Units);
        return new ContractUsageResponse(c.Id, c.Terms.OfferingId, c.BuyerId, c.Terms.ProviderId, Wire.Name(plan.Unit),
            totals.Units, plan.BillableUnits(totals.Units), totals.Events,
            new MoneyWire(charge.MinorUnits, charge.Currency.Code, charge.ToString()));
    }

    private static BillingPeriod PeriodOf(string? period, BillingCalendar calendar) =>
        string.IsNullOrWhiteSpace(period) ? calendar.CurrentPeriod() : BillingPeriod.Parse(period, calendar.Zone);
}
