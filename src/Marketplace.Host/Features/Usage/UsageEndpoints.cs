using Marketplace.Application.Usage;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Usage;

public static class UsageEndpoints
{
    public static IEndpointRouteBuilder MapUsageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Usage");

        group.MapGet("/usage", GetUsage).WithName("GetUsage")
            .WithSummary("Usage and charges per contract for a billing period (default: the current one), a page of contracts at a time. "
                + "Buyer: yours; provider: on your offerings; operator: all.")
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
        string? period, string? cursor, string? pageSize, HttpContext http, ContractScope scope, UsageStatements statements)
    {
        var p = statements.PeriodOf(period);
        var contracts = await scope.PageVisibleToAsync(http.User.Caller(), ListPaging.Parse(cursor, pageSize), cancellationToken: http.RequestAborted);
        var usage = await statements.ForContractsAsync(contracts.Items, p);
        return TypedResults.Ok(usage with { Next = ListPaging.Next(http, contracts.Next) });
    }

    private static async Task<Ok<UsageResponse>> GetContractUsage(string id, string? period, HttpContext http, ContractScope scope, UsageStatements statements)
    {
        var p = statements.PeriodOf(period);
        var contract = await scope.GetAsync(id, http.User.Caller());
        return TypedResults.Ok(await statements.ForContractsAsync([contract], p));
    }

    private static async Task<Ok<UsageReportResponse>> ReportUsage(UsageReportRequest request, HttpContext http, UsageReporting reporting) =>
        TypedResults.Ok(await reporting.ReportAsync(http.User.Caller(), request));
}
