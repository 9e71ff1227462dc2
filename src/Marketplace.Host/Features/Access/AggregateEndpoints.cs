using System.Globalization;
using Marketplace.Application.Aggregates;
using Marketplace.Domain.Aggregates;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Access;

/// <summary>One published group: its dimension values by name, its count of distinct people (rounded as stated), and the measure's sum and average.</summary>
/// <param name="Sum">Null without a measure, and when counts are rounded (a sum and an average together would give back the exact count).</param>
/// <param name="Average">Mean of the measure over the group's records, rounded half away from zero to 2 decimal places; null without a measure.</param>
public sealed record AggregateGroupResponse(IReadOnlyDictionary<string, string?> Keys, long People, decimal? Sum, decimal? Average);

/// <summary>k-anonymous statistics under a contract, with the rule they were published under.</summary>
/// <param name="K">Groups of fewer than this many distinct people are suppressed.</param>
/// <param name="RoundingStep">Counts are multiples of this (1: exact).</param>
/// <param name="Rounding">The rule in words.</param>
/// <param name="SuppressedGroups">How many groups were left out for being smaller than k (never which).</param>
/// <param name="SuppressedPeople">People found only in suppressed groups, rounded like a count; null when fewer than k.</param>
public sealed record AggregateResponse(
    string ContractId,
    string RevisionId,
    IReadOnlyList<string> GroupBy,
    string? Measure,
    int K,
    int RoundingStep,
    string Rounding,
    bool SumsPublished,
    IReadOnlyList<AggregateGroupResponse> Groups,
    int SuppressedGroups,
    long? SuppressedPeople,
    long UnitsMetered);

/// <summary>Aggregate queries over HTTP: the query string and headers in, the published groups out.</summary>
public static class AggregateEndpoints
{
    public static IEndpointRouteBuilder MapAggregateEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/contracts/{id}/aggregate", GetAggregate).WithTags("Access").WithName("GetAggregate")
            .WithSummary("k-anonymous statistics under a contract (buyer): groupBy=<dimension>[,<dimension>...] (1-3) and optionally measure=<field>. "
                + "Send an Idempotency-Key header to make retries safe: a replay is metered once.")
            .RequireAuthorization(Policies.Buyer)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422).ProducesProblem(429);
        return app;
    }

    private static async Task<Ok<AggregateResponse>> GetAggregate(string id, string? groupBy, string? measure, HttpContext http, ContractAggregates aggregates)
    {
        var fetch = new AggregateFetch(groupBy, measure, http.Request.Headers["Idempotency-Key"]);
        var answer = await aggregates.QueryAsync(http.User.Caller(), id, fetch, http.RequestAborted);
        http.Response.Headers["X-Usage-Units"] = answer.UnitsMetered.ToString(CultureInfo.InvariantCulture);
        if (answer.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return TypedResults.Ok(ToResponse(answer));
    }

    private static AggregateResponse ToResponse(AggregateAnswer answer)
    {
        var result = answer.Result;
        var groupBy = answer.Query.GroupBy;
        return new AggregateResponse(answer.ContractId, answer.RevisionId, groupBy, answer.Query.Measure, result.Rounding.K, result.Rounding.Step,
            result.Rounding.Describe(), result.SumsPublished,
            [.. result.Groups.Select(g => new AggregateGroupResponse(
                groupBy.Select((name, i) => (name, g.Keys[i])).ToDictionary(p => p.name, p => p.Item2, StringComparer.Ordinal), g.People, g.Sum, g.Average))],
            result.SuppressedGroups, result.SuppressedPeople, answer.UnitsMetered);
    }
}
