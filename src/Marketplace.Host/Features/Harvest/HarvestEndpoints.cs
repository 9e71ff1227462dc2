using Marketplace.Application.Harvest;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Harvest;

/// <summary>A harvest source to register: kind "ckan" or "dcat", schedule "hourly" (default), "daily", "weekly" or "manual".</summary>
public sealed record HarvestSourceRequest(string? Name, string? Kind, string? Url, string? Schedule, string? Publisher);

/// <summary>What one harvest run did; <see cref="Errors"/> lists at most 50 of <see cref="ErrorCount"/> problems.</summary>
public sealed record HarvestRunResponse(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    bool Completed,
    int Found,
    int Created,
    int Updated,
    int Unchanged,
    int Withdrawn,
    int ErrorCount,
    IReadOnlyList<string> Errors);

public sealed record HarvestSourceResponse(
    string Id,
    string Name,
    string Kind,
    string Url,
    string Schedule,
    string Publisher,
    DateTimeOffset CreatedAt,
    int Listings,
    HarvestRunResponse? LastRun);

public sealed record HarvestedResourceWire(string Name, string Url, string Format);

/// <summary>Where a harvested listing comes from: its source, the dataset's id and publisher there, its page there, when it was last harvested, and the source's own data links.</summary>
public sealed record ListingOriginWire(
    string SourceId,
    string SourceName,
    string SourceDatasetId,
    string Publisher,
    string SourceLink,
    DateTimeOffset HarvestedAt,
    IReadOnlyList<HarvestedResourceWire> Resources);

public sealed record HarvestSourceListResponse(IReadOnlyList<HarvestSourceResponse> Items);

public static class HarvestEndpoints
{
    public const string Path = "/api/v1/harvest-sources";

    public static IEndpointRouteBuilder MapHarvestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Harvest").RequireAuthorization(Policies.Operator);
        group.MapPost("", Register).WithName("RegisterHarvestSource")
            .WithSummary("Register another catalog (a CKAN action API or a DCAT-AP Turtle catalog) to harvest on a schedule (operator).")
            .ProducesProblem(400).ProducesProblem(409);
        group.MapGet("", List).WithName("ListHarvestSources")
            .WithSummary("The registered harvest sources with their last runs (operator).");
        group.MapGet("/{id}", Get).WithName("GetHarvestSource")
            .WithSummary("One harvest source and its last run: when, how many created, updated, withdrawn and unchanged, and its errors (operator).")
            .ProducesProblem(404);
        group.MapDelete("/{id}", Delete).WithName("DeleteHarvestSource")
            .WithSummary("Stop harvesting a source and withdraw every listing harvested from it (operator).")
            .ProducesProblem(404);
        group.MapPost("/{id}/harvest", Run).WithName("RunHarvest")
            .WithSummary("Harvest a source now and answer the run (operator).")
            .ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<Created<HarvestSourceResponse>> Register(HarvestSourceRequest? request, CatalogHarvest harvest)
    {
        if (request is null)
        {
            throw new DomainException(ErrorCodes.HarvestSourceInvalid, "Send the source as JSON: {\"name\", \"kind\": \"ckan\" or \"dcat\", \"url\", \"schedule\"}.");
        }
        var view = await harvest.RegisterAsync(new HarvestSourceRegistration(request.Name, request.Kind, request.Url, request.Schedule, request.Publisher));
        return TypedResults.Created($"{Path}/{view.Id}", view.ToResponse());
    }

    private static async Task<Ok<HarvestSourceListResponse>> List(CatalogHarvest harvest) =>
        TypedResults.Ok(new HarvestSourceListResponse([.. (await harvest.ListAsync()).Select(v => v.ToResponse())]));

    private static async Task<Ok<HarvestSourceResponse>> Get(string id, CatalogHarvest harvest) =>
        TypedResults.Ok((await harvest.GetAsync(id)).ToResponse());

    private static async Task<NoContent> Delete(string id, CatalogHarvest harvest)
    {
        await harvest.DeleteAsync(id);
        return TypedResults.NoContent();
    }

    // A run, once begun, finishes even if the caller hangs up: stopping it midway would hold its source until the lease ends.
    private static async Task<Ok<HarvestRunResponse>> Run(string id, CatalogHarvest harvest) =>
        TypedResults.Ok((await harvest.RunAsync(id, CancellationToken.None)).ToResponse());

    public static HarvestSourceResponse ToResponse(this HarvestSourceView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var d = view.Definition;
        return new HarvestSourceResponse(view.Id, d.Name, WireNames.Of(d.Kind), d.Url, WireNames.Of(d.Schedule), d.Publisher, view.CreatedAt,
            view.Listings, view.LastRun?.ToResponse());
    }

    public static ListingOriginWire? ToWire(Domain.Harvest.ListingOrigin? origin) => origin is null
        ? null
        : new ListingOriginWire(origin.SourceId, origin.SourceName, origin.SourceDatasetId, origin.Publisher, origin.SourceLink, origin.HarvestedAt,
            [.. origin.Resources.Select(r => new HarvestedResourceWire(r.Name, r.Url, r.Format))]);

    public static HarvestRunResponse ToResponse(this HarvestRunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new HarvestRunResponse(run.RunId, run.StartedAt, run.FinishedAt, run.Completed, run.Found, run.Created, run.Updated,
            run.Unchanged, run.Withdrawn, run.ErrorCount, run.Errors);
    }
}
