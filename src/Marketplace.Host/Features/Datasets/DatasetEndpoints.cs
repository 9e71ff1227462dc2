using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Storage;
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

    private static async Task<Ok<DatasetListResponse>> ListDatasets(
        string? cursor, string? pageSize, HttpContext http, IGrainFactory grains, IHoldingsIndex holdings)
    {
        var caller = http.User.Caller();
        var request = ListPaging.Parse(cursor, pageSize);
        var page = await holdings.ListDatasetsAsync(Tenancy.HoldingsOwnerFor(caller), request.After, request.PageSize, http.RequestAborted);
        var views = await Task.WhenAll(page.Items.Select(d => grains.GetGrain<IDatasetGrain>(d.ItemId).Get()));
        return TypedResults.Ok(new DatasetListResponse([.. views.OfType<DatasetView>().Select(v => v.ToResponse())], ListPaging.Next(http, page.Next)));
    }

    private static async Task<Ok<DatasetResponse>> GetDataset(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok((await OwnedDataset(id, http.User.Caller(), grains)).ToResponse());

    private static async Task<Created<RevisionResponse>> UploadRevision(
        string id, HttpContext http, IGrainFactory grains, RevisionUpload upload, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var dataset = await OwnedDataset(id, caller, grains);
        var revision = await upload.UploadAsync(caller.PartyId, dataset, http.Request, ct);
        return TypedResults.Created($"/api/v1/datasets/{id}", revision.ToResponse());
    }

    private static async Task<Ok<DatasetResponse>> RetireRevision(string id, string revisionId, HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.Caller();
        await OwnedDataset(id, caller, grains);
        var view = await grains.GetGrain<IDatasetGrain>(id).RetireRevision(caller.PartyId, revisionId);
        return TypedResults.Ok(view.ToResponse());
    }

    /// <summary>The dataset if the caller may manage it; otherwise it answers as missing.</summary>
    internal static async Task<DatasetView> OwnedDataset(string id, ApiPrincipal caller, IGrainFactory grains)
    {
        var view = await grains.GetGrain<IDatasetGrain>(id).Get();
        if (view is null || !Tenancy.MayManage(caller, view.ProviderId))
        {
            throw new DomainException(ErrorCodes.DatasetNotFound, $"There is no dataset '{id}' of yours.");
        }
        return view;
    }
}
