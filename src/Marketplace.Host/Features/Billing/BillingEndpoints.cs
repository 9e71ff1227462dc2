using Marketplace.Billing.Invoices;
using Marketplace.Billing.Parties;
using Marketplace.Billing.Periods;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Billing;

public static class BillingEndpoints
{
    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/v1/billing").WithTags("Billing");
        billing.MapGet("/periods", ListPeriods).WithName("ListBillingPeriods")
            .WithSummary("The billing periods (calendar months in the billing time zone): the current one, the latest that can close and when, and every period that began closing, newest first (operator).")
            .RequireAuthorization(Policies.Operator);
        billing.MapPost("/periods/{period}/close", ClosePeriod).WithName("CloseBillingPeriod")
            .WithSummary("Close a billing period (YYYY-MM) by hand (operator): issues one invoice per contract with usage, a fee or late usage, once; "
                + "closing again returns the same result. 409 before the period's end plus the grace window (the answer says from when), or while an earlier period is open.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400).ProducesProblem(409);
        billing.MapGet("/periods/{period}/invoices", ListInvoices).WithName("ListPeriodInvoices")
            .WithSummary("Invoices of a billing period you may see (operator: all; buyer: yours; provider: those of your contracts), in issue order, a page at a time (cursor, pageSize 1-200).")
            .RequireAuthorization().ProducesProblem(400);
        billing.MapGet("/periods/{period}/statements", ListStatements).WithName("ListProviderStatements")
            .WithSummary("Provider statements of a billing period: what each provider's invoices billed and its share (provider: its own; operator: every provider's).")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(400);

        app.MapGet("/api/v1/invoices/{id}", GetInvoice).WithTags("Billing").WithName("GetInvoice")
            .WithSummary("One invoice or credit note with its lines, consumption tax per rate, total and revenue split (its buyer, its provider or the operator).")
            .RequireAuthorization().ProducesProblem(404);
        app.MapPut("/api/v1/parties/{id}/billing", SetPartyBilling).WithTags("Billing").WithName("SetPartyBilling")
            .WithSummary("How a party is invoiced and paid: its qualified-invoice registration number (T + 13 digits), its payout account (a Stripe connected account), "
                + "and (operator only) whether a buyer is a service app that pays the connection fee. Fields left out stay; an empty string clears one.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<PeriodListResponse>> ListPeriods(PeriodClosing closing, BillingCalendar calendar)
    {
        var current = calendar.CurrentPeriod();
        var latest = closing.Previous(current);
        var periods = await closing.ListAsync();
        return TypedResults.Ok(new PeriodListResponse(current.Id, latest.Id, closing.ClosableFrom(latest), [.. periods.Select(p => p.ToResponse())]));
    }

    private static async Task<Ok<PeriodCloseResponse>> ClosePeriod(string period, HttpContext http, PeriodClosing closing) =>
        TypedResults.Ok((await closing.CloseAsync(period, http.User.Caller().PartyId, http.RequestAborted)).ToResponse());

    private static async Task<Ok<InvoiceListResponse>> ListInvoices(string period, string? cursor, string? pageSize, HttpContext http, InvoiceQueries invoices)
    {
        var paging = ListPaging.Parse(cursor, pageSize);
        var page = await invoices.ListAsync(http.User.Caller(), period, paging.After, paging.PageSize, http.RequestAborted);
        return TypedResults.Ok(new InvoiceListResponse(invoices.ParsePeriod(period).Id, [.. page.Items.Select(e => e.ToResponse())], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<StatementListResponse>> ListStatements(string period, HttpContext http, InvoiceQueries invoices) =>
        TypedResults.Ok(new StatementListResponse(invoices.ParsePeriod(period).Id, await invoices.StatementsAsync(http.User.Caller(), period, http.RequestAborted)));

    private static async Task<Ok<InvoiceResponse>> GetInvoice(string id, HttpContext http, InvoiceQueries invoices) =>
        TypedResults.Ok((await invoices.GetAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Ok<PartyBillingResponse>> SetPartyBilling(string id, PartyBillingRequest? request, HttpContext http, PartyBillingProfiles profiles)
    {
        var change = new PartyBillingChange(request?.InvoiceRegistration, request?.ServiceApp, request?.PayoutAccount);
        return TypedResults.Ok((await profiles.SetAsync(http.User.Caller(), id, change)).ToBillingResponse());
    }
}
