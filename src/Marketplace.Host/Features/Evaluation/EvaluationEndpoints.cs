using Marketplace.Application.Evaluation;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Evaluation;

/// <summary>The city evaluation for operators: the whole report as JSON, and each series as CSV.</summary>
public static class EvaluationEndpoints
{
    /// <summary>Where the evaluation page links each chart's CSV: next to the page, so a signed-in person's session reaches it.</summary>
    public const string ConsoleCsvRoute = "/console/operator/evaluation/{series}.csv";

    public static IEndpointRouteBuilder MapEvaluationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/evaluation").WithTags("Evaluation");
        group.MapGet("/", GetEvaluation).WithName("GetCityEvaluation")
            .WithSummary("The city evaluation over a range of billing days (default: the last 30 days ending today). Operator only.")
            .RequireAuthorization(Policies.Operator).ProducesProblem(400);
        group.MapGet("/{series}.csv", DownloadSeries).WithName("DownloadCityEvaluationSeries")
            .WithSummary("One series of the city evaluation as CSV. Operator only.")
            .RequireAuthorization(Policies.Operator)
            .Produces(200, contentType: "text/csv").ProducesProblem(400).ProducesProblem(404);
        app.MapGet(ConsoleCsvRoute, DownloadSeries).WithName("DownloadCityEvaluationSeriesFromConsole")
            .RequireAuthorization(Policies.Operator).ExcludeFromDescription();
        return app;
    }

    /// <summary>The console's link to a series' CSV over the range the page shows.</summary>
    public static string ConsoleCsvUrl(EvaluationSeries series, EvaluationRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return $"/console/operator/evaluation/{EvaluationCsv.NameOf(series)}.csv?from={range.From:yyyy-MM-dd}&to={range.To:yyyy-MM-dd}";
    }

    private static async Task<Ok<CityEvaluationReport>> GetEvaluation(string? from, string? to, HttpContext http, CityEvaluation evaluation) =>
        TypedResults.Ok(await evaluation.EvaluateAsync(evaluation.RangeOf(from, to), http.RequestAborted));

    private static async Task<IResult> DownloadSeries(string series, string? from, string? to, HttpContext http, CityEvaluation evaluation)
    {
        var wanted = EvaluationCsv.Parse(series);
        var report = await evaluation.EvaluateAsync(evaluation.RangeOf(from, to), http.RequestAborted);
        var bytes = System.Text.Encoding.UTF8.GetBytes(EvaluationCsv.Write(wanted, report));
        return TypedResults.File(bytes, EvaluationCsv.ContentType, EvaluationCsv.FileName(wanted, report));
    }
}
