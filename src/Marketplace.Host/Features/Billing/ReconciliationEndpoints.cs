using System.Text;
using Marketplace.Application;
using Marketplace.Billing.Periods;
using Marketplace.Billing.Reconciliation;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Billing;

/// <summary>A reconciliation run on the wire; <see cref="Report"/> once it is done.</summary>
public sealed record ReconciliationRunResponse(
    string Id,
    string Period,
    string Status,
    int Percent,
    string Stage,
    string StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Summary,
    string? Error,
    DateTimeOffset? RepairedAt,
    string? RepairSummary,
    ReconciliationReport? Report);

public sealed record ReconciliationListResponse(string Period, IReadOnlyList<ReconciliationRunResponse> Items);

public sealed record RepairOutcomeResponse(string Kind, string? ContractId, DateOnly? Day, string? InvoiceId, bool Applied, string Detail);

public sealed record RepairListResponse(string RunId, int Applied, int AlreadyDone, IReadOnlyList<RepairOutcomeResponse> Items);

public static class ReconciliationEndpoints
{
    public static IEndpointRouteBuilder MapReconciliationEndpoints(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/v1/billing").WithTags("Billing");
        billing.MapPost("/periods/{period}/reconciliation", Start).WithName("StartReconciliation")
            .WithSummary("Start a reconciliation run of a billing period (operator): a background job compares the ledger, the meters, the reports to Stripe, Stripe's meters and the invoices. 202 with the run and its Location.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400);
        billing.MapGet("/periods/{period}/reconciliations", List).WithName("ListReconciliations")
            .WithSummary("The reconciliation runs of a billing period, newest first (operator).")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400);
        billing.MapGet("/reconciliations/{id}", Get).WithName("GetReconciliation")
            .WithSummary("A reconciliation run: status and progress, and once done its report (JSON, or CSV with Accept: text/csv) and one summary line (operator). wait=N (up to 60) answers once the run is done or after N seconds.")
            .RequireAuthorization(Policies.Operator).Produces<ReconciliationRunResponse>().Produces(200, contentType: "text/csv").ProducesProblem(404).ProducesProblem(409);
        billing.MapPost("/reconciliations/{id}/repairs", Repair).WithName("RepairReconciliation")
            .WithSummary("Apply the repairs a finished run's report offers (operator): re-send usage Stripe lost under new identifiers, report unreported usage, credit notes for over-billing. Idempotent.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<Accepted<ReconciliationRunResponse>> Start(string period, HttpContext http, ReconciliationRuns runs)
    {
        var run = await runs.StartAsync(period, http.User.Caller().PartyId);
        return TypedResults.Accepted($"/api/v1/billing/reconciliations/{Uri.EscapeDataString(run.Id)}", run.ToResponse(null));
    }

    private static async Task<Ok<ReconciliationListResponse>> List(string period, ReconciliationRuns runs, PeriodClosing closing)
    {
        var id = closing.Parse(period).Id;
        return TypedResults.Ok(new ReconciliationListResponse(id, [.. (await runs.ListAsync(id)).Select(r => r.ToResponse(null))]));
    }

    private static async Task<IResult> Get(string id, string? wait, HttpContext http, ReconciliationRuns runs)
    {
        var seconds = 0;
        if (wait is not null && (!int.TryParse(wait, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds)
            || seconds > ReconciliationRuns.MaxWait.TotalSeconds))
        {
            throw new Marketplace.Domain.DomainException(Marketplace.Domain.DomainErrorCode.InvalidField("wait"),
                $"wait is how many seconds to wait for the run to finish: 0 to {ReconciliationRuns.MaxWait.TotalSeconds:0}.");
        }
        var view = seconds > 0 ? await runs.WaitAsync(id, TimeSpan.FromSeconds(seconds), http.RequestAborted) : await runs.GetAsync(id);
        if (WantsCsv(http))
        {
            if (view.Report is null)
            {
                throw new Marketplace.Domain.DomainException(Marketplace.Domain.ErrorCodes.ReconciliationNotDone,
                    $"Reconciliation run {id} is {view.Run.Status.ToString().ToLowerInvariant()}: its CSV exists once it is done.");
            }
            return TypedResults.File(Encoding.UTF8.GetBytes(view.Report.ToCsv()), CsvRows.ContentType, $"{view.Run.Id}.csv");
        }
        return TypedResults.Ok(view.Run.ToResponse(view.Report));
    }

    private static async Task<Ok<RepairListResponse>> Repair(string id, HttpContext http, ReconciliationRuns runs)
    {
        var outcomes = await runs.RepairAsync(id, http.RequestAborted);
        return TypedResults.Ok(new RepairListResponse(id, outcomes.Count(o => o.Applied), outcomes.Count(o => !o.Applied),
            [.. outcomes.Select(o => new RepairOutcomeResponse(o.Kind, o.ContractId, o.Day, o.InvoiceId, o.Applied, o.Detail))]));
    }

    private static bool WantsCsv(HttpContext http) =>
        http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    public static ReconciliationRunResponse ToResponse(this ReconciliationRun run, ReconciliationReport? report)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new ReconciliationRunResponse(run.Id, run.Period, run.Status.ToString().ToLowerInvariant(), run.Percent, run.Stage, run.StartedBy,
            run.CreatedAt, run.UpdatedAt, run.Summary, run.Error, run.RepairedAt, run.RepairSummary, report);
    }
}
