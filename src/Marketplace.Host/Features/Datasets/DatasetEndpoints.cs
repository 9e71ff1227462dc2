using Marketplace.Application.Holdings;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Datasets;

public static class DatasetEndpoints
{
    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/datasets").WithTags("Datasets");

        group.MapPost("/", CreateDataset).WithName("CreateDataset")
            .WithSummary("List a new dataset: class, DCAT metadata and schema (provider).")
            .RequireAuthorization(Policies.Provider).ProducesProblem(400).ProducesProblem(409);
        group.MapGet("/", ListDatasets).WithName("ListDatasets")
            .WithSummary("Your datasets (provider), or every dataset (operator), oldest first, a page at a time "
                + "(cursor, pageSize 1-200, default 50; follow 'next' or the Link header).")
            .RequireAuthorization(Policies.ProviderOrOperator);
        group.MapGet("/{id}", GetDataset).WithName("GetDataset").WithSummary("One dataset with its revisions.")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(404);
        group.MapPost("/{id}/revisions", UploadRevision).WithName("UploadRevision")
            .WithSummary("Upload records as CSV (text/csv) or JSON Lines (application/x-ndjson); they become the current revision.")
            .RequireAuthorization(Policies.Provider)
            .ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        group.MapPost("/{id}/revisions/{revisionId}/retire", RetireRevision).WithName("RetireRevision")
            .WithSummary("Retire a revision; contracts then read the newest published one.")
            .RequireAuthorization(Policies.Provider).ProducesProblem(404);
        return app;
    }

    private static async Task<Created<DatasetResponse>> CreateDataset(CreateDatasetRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.Caller();
        var id = string.IsNullOrWhiteSpace(request.Id) ? Identifiers.NewId("ds") : request.Id.Trim();
        Wire.EnsureSlug(id, "id");
        var view = await grains.GetGrain<IDatasetGrain>(id).Create(caller.PartyId, request.ToDefinition());
        return TypedResults.Created($"/api/v1/datasets/{id}", view.ToResponse());
    }

    private static async Task<Ok<DatasetListResponse>> ListDatasets(string? cursor, string? pageSize, HttpContext http, DatasetHoldings datasets)
    {
        var request = ListPaging.Parse(cursor, pageSize);
        var page = await datasets.PageAsync(http.User.Caller(), request.After, request.PageSize, http.RequestAborted);
        return TypedResults.Ok(new DatasetListResponse([.. page.Items.Select(v => v.ToResponse())], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<DatasetResponse>> GetDataset(string id, HttpContext http, DatasetHoldings datasets) =>
        TypedResults.Ok((await datasets.OwnedAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Created<RevisionResponse>> UploadRevision(
        string id, HttpContext http, DatasetHoldings datasets, RevisionUpload upload, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var dataset = await datasets.OwnedAsync(caller, id);
        var revision = await upload.UploadAsync(caller.PartyId, dataset, http.Request, ct);
        return TypedResults.Created($"/api/v1/datasets/{id}", revision.ToResponse());
    }

    private static async Task<Ok<DatasetResponse>> RetireRevision(string id, string revisionId, HttpContext http, DatasetHoldings datasets) =>
        TypedResults.Ok((await datasets.RetireRevisionAsync(http.User.Caller(), id, revisionId)).ToResponse());
}
