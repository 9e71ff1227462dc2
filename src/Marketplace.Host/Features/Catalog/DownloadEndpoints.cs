using Marketplace.Application.Catalog;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Catalog;

public static class DownloadEndpoints
{
    public static IEndpointRouteBuilder MapDownloadEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/offerings").WithTags("Offerings");
        group.MapGet("/{id}/download", Download).WithName("DownloadOpenData")
            .WithSummary("Download a free public offering of public data under an open licence whole, without a key: format=csv or format=jsonl. "
                + "Never billed; counted per day.")
            .RequireAuthorization(Policies.AnyoneOrValidKey)
            .Produces(200, contentType: "text/csv").Produces(200, contentType: "application/jsonl")
            .ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/{id}/downloads", Counts).WithName("GetDownloadCounts")
            .WithSummary("Open-data downloads of the offering per billing day (operator, or the providing party).")
            .RequireAuthorization(Policies.ProviderOrOperator).ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> Download(string id, string? format, HttpContext http, OpenDataDownloads downloads)
    {
        var download = await downloads.StartAsync(id, OpenDataDownloads.ParseFormat(format));
        return Results.Stream(body => downloads.WriteAsync(download, body, http.RequestAborted), download.ContentType, download.FileName);
    }

    private static async Task<Ok<DownloadCountReport>> Counts(string id, HttpContext http, OpenDataDownloads downloads) =>
        TypedResults.Ok(await downloads.CountsAsync(http.User.Caller(), id));
}
