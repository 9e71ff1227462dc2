using System.Text;
using Marketplace.Application;
using Marketplace.Billing.Reconciliation;
using Marketplace.Host.Auth;

namespace Marketplace.Host.Features.Billing.Reconciliations;

/// <summary>The strings of the operator's reconciliation pages (<c>ReconciliationText.resx</c>, <c>ReconciliationText.ja.resx</c>).</summary>
public sealed class ReconciliationText;

/// <summary>Where the reconciliation pages live, below the operator's billing console.</summary>
public static class ReconciliationPaths
{
    /// <summary>The operator's billing console (its own area).</summary>
    public const string Billing = "/console/operator/billing";

    public const string Runs = "/console/operator/billing/reconciliations";

    public static string Run(string id) => $"{Runs}/{Uri.EscapeDataString(id)}";

    public static string Csv(string id) => $"{Runs}/{Uri.EscapeDataString(id)}/report.csv";

    /// <summary>The report's CSV at a page address, so the session cookie opens it as it opens the console (the same CSV as the API's).</summary>
    public static IEndpointRouteBuilder MapReconciliationCsv(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/console/operator/billing/reconciliations/{id}/report.csv", async (string id, ReconciliationRuns runs) =>
            {
                var view = await runs.GetAsync(id);
                if (view.Report is null)
                {
                    throw new Marketplace.Domain.DomainException(Marketplace.Domain.ErrorCodes.ReconciliationNotDone,
                        $"Reconciliation run {id} is not done: its CSV exists once it is.");
                }
                return TypedResults.File(Encoding.UTF8.GetBytes(view.Report.ToCsv()), CsvRows.ContentType, $"{view.Run.Id}.csv");
            })
            .WithName("ReconciliationCsvPage").ExcludeFromDescription().RequireAuthorization(Policies.Operator);
        return app;
    }
}
