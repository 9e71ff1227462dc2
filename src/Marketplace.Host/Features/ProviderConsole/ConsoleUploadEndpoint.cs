using Marketplace.Application.Holdings;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Marketplace.Host.Errors;
using Marketplace.Host.Features.Datasets;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>
/// The console's upload form posts here, not to its page: the page would read the whole form first (the file
/// into memory or the shared temporary directory, under the server's 30 MB body limit). Here the file part is
/// streamed straight into <see cref="RevisionUpload"/>, the API's own path (owner-only spool, the upload limit),
/// after the form's antiforgery token, which the form sends before the file, has been checked. The answer is a
/// redirect to the dataset's page: with the published revision, or with the rejected lines to show.
/// </summary>
public static class ConsoleUploadEndpoint
{
    public const string FileField = "Records";
    private const int MaxFieldBytes = 8 * 1024;

    public static string PathFor(string datasetId) => ProviderPaths.Dataset(datasetId) + "/revisions";

    public static IEndpointRouteBuilder MapProviderConsoleUpload(this IEndpointRouteBuilder app)
    {
        app.MapPost("/console/provider/datasets/{id}/revisions", UploadAsync).WithName("UploadRevisionFromConsole")
            .RequireAuthorization(Policies.Provider).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> UploadAsync(
        string id, HttpContext http, IAntiforgery antiforgery, DatasetHoldings datasets, RevisionUpload upload,
        UploadRejections rejections, IOptions<MarketplaceOptions> options, CancellationToken ct)
    {
        var boundary = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary))
        {
            return TypedResults.BadRequest();
        }
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            // The file may be as large as the API allows; the form's few other fields are small.
            sizeFeature.MaxRequestBodySize = options.Value.MaxUploadBytes + (1 << 16);
        }

        var reader = new MultipartReader(boundary, http.Request.Body);
        string? token = null;
        MultipartSection? file = null;
        string? fileName = null;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                return TypedResults.BadRequest();
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (name == FileField && disposition.IsFileDisposition())
            {
                file = section;
                fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
                break;
            }
            var value = await ReadFieldAsync(section, ct);
            if (value is null)
            {
                return TypedResults.BadRequest();
            }
            if (name == "__RequestVerificationToken")
            {
                token = value;
            }
        }

        // Checked before a byte of the file is read: the token as the header the antiforgery service reads first.
        http.Request.Headers["RequestVerificationToken"] = token ?? "";
        if (token is null || !await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.BadRequest();
        }
        var caller = http.User.Caller();
        Grains.DatasetView dataset;
        try
        {
            dataset = await datasets.OwnedAsync(caller, id);
        }
        catch (DomainException e) when (e.Kind == ErrorKind.NotFound)
        {
            // To the dataset's page, which is the not-found page for this caller (in their language) as for any id
            // they do not hold; a 404 here would be re-executed as a post of the not-found page.
            return TypedResults.Redirect(ProviderPaths.Dataset(id));
        }
        if (file is null)
        {
            return Rejected(rejections.Keep(caller.PartyId, dataset.Id, 0, [], "upload.missing"), dataset.Id);
        }
        try
        {
            var revision = await upload.UploadAsync(caller.PartyId, dataset, file.Body, ContentTypeOf(fileName!, file.ContentType), null, ct);
            return TypedResults.Redirect($"{ProviderPaths.Dataset(dataset.Id)}?published={Uri.EscapeDataString(revision.RevisionId)}");
        }
        catch (ApiProblemException e) when (e.Problem.Extensions.TryGetValue("errors", out var listed) && listed is IEnumerable<string> errors)
        {
            var list = errors.ToList();
            var count = e.Problem.Extensions.TryGetValue("errorCount", out var n) && n is long total ? total : list.Count;
            return Rejected(rejections.Keep(caller.PartyId, dataset.Id, count, list, ErrorCodes.RevisionRowsInvalid.Value), dataset.Id);
        }
        catch (DomainException e) when (e.Code == ErrorCodes.RevisionUnsupportedMediaType.Value || e.Code == ErrorCodes.RevisionTooLarge.Value)
        {
            return Rejected(rejections.Keep(caller.PartyId, dataset.Id, 0, [], e.Code), dataset.Id);
        }
    }

    private static RedirectHttpResult Rejected(string key, string datasetId) =>
        TypedResults.Redirect($"{ProviderPaths.Dataset(datasetId)}?rejected={key}");

    /// <summary>A small form field's text, or null when it is larger than any field of this form.</summary>
    private static async Task<string?> ReadFieldAsync(MultipartSection section, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while ((read = await section.Body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
            if (length > MaxFieldBytes)
            {
                return null;
            }
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>By the file's name first: browsers label CSV files differently (Windows says "application/vnd.ms-excel").</summary>
    private static string? ContentTypeOf(string fileName, string? partType) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" => "text/csv",
            ".jsonl" or ".ndjson" => "application/x-ndjson",
            _ => partType,
        };
}
