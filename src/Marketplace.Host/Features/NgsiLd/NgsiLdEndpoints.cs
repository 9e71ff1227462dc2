using System.Text.Json;
using Marketplace.Application.NgsiLd;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.NgsiLd;

/// <summary>The City OS feed: attach a dataset, receive the context broker's NGSI-LD notifications, and the core @context.</summary>
public static class NgsiLdEndpoints
{
    public const string CoreContextPath = "/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";

    public static IEndpointRouteBuilder MapNgsiLdEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/datasets/{id}/ngsi-ld").WithTags("City OS feed");
        group.MapPut("/", AttachAsync).WithName("AttachNgsiLdFeed")
            .WithSummary("Attaches the dataset to a City OS context broker's NGSI-LD notifications: entity types, attribute-to-field mapping, revision interval (provider).")
            .RequireAuthorization(Policies.Provider).ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/", GetAsync).WithName("GetNgsiLdFeed")
            .WithSummary("The dataset's feed: its mapping, the last notification and the records waiting for the interval to close (provider).")
            .RequireAuthorization(Policies.Provider).ProducesProblem(404);
        group.MapDelete("/", DetachAsync).WithName("DetachNgsiLdFeed")
            .WithSummary("Detaches the dataset from the feed; records already accepted are still published (provider).")
            .RequireAuthorization(Policies.Provider).ProducesProblem(404);
        group.MapPost("/notify", NotifyAsync).WithName("NotifyNgsiLd")
            .WithSummary("Receives an NGSI-LD notification (ETSI GS CIM 009) for the dataset, with the provider's key; its entities become records of the interval's revision.")
            .RequireAuthorization(Policies.Provider)
            .Accepts<JsonElement>("application/json", "application/ld+json")
            .Produces<NgsiLdNotifyResponse>(202)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .DisableAntiforgery();
        app.MapGet(CoreContextPath, GetCoreContext).WithTags("City OS feed").WithName("GetNgsiLdCoreContext")
            .WithSummary("The NGSI-LD core @context (v1.8) the feed recognises core terms by: a local copy, for tools that cannot reach the ETSI server. Anyone.")
            .AllowAnonymous() // a static public document: a key, good or bad, changes nothing
            .ExcludeFromDescription(); // a JSON-LD document, not an operation of the API
        return app;
    }

    private static async Task<Ok<NgsiLdFeedResponse>> AttachAsync(string id, AttachNgsiLdFeedRequest request, HttpContext http, NgsiLdFeeds feeds)
    {
        await feeds.AttachAsync(http.User.Caller(), id, request.ToFeed());
        return TypedResults.Ok((await feeds.StatusAsync(http.User.Caller(), id, http.RequestAborted)).ToResponse());
    }

    private static async Task<Ok<NgsiLdFeedResponse>> GetAsync(string id, HttpContext http, NgsiLdFeeds feeds) =>
        TypedResults.Ok((await feeds.StatusAsync(http.User.Caller(), id, http.RequestAborted)).ToResponse());

    private static async Task<Ok<NgsiLdFeedResponse>> DetachAsync(string id, HttpContext http, NgsiLdFeeds feeds)
    {
        await feeds.DetachAsync(http.User.Caller(), id);
        return TypedResults.Ok((await feeds.StatusAsync(http.User.Caller(), id, http.RequestAborted)).ToResponse());
    }

    private static async Task<Accepted<NgsiLdNotifyResponse>> NotifyAsync(string id, HttpContext http, NgsiLdFeeds feeds)
    {
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var linkedData = mediaType switch
        {
            "application/json" => false,
            "application/ld+json" => true,
            _ => throw new DomainException(ErrorCodes.NgsiLdUnsupportedMediaType,
                $"Send NGSI-LD notifications as application/json or application/ld+json, not '{http.Request.ContentType}'."),
        };
        var body = await ReadBoundedAsync(http, feeds.Limits.MaxBodyBytes);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new DomainException(ErrorCodes.NgsiLdNotificationInvalid, $"The notification is not valid JSON: {ex.Message.Split(" LineNumber:")[0]}");
        }
        using (document)
        {
            var outcome = await feeds.NotifyAsync(http.User.Caller(), id, document.RootElement, linkedData, http.RequestAborted);
            return TypedResults.Accepted($"/api/v1/datasets/{id}/ngsi-ld",
                new NgsiLdNotifyResponse(outcome.NotificationId, outcome.Records, outcome.Replayed, outcome.IntervalStart, outcome.IntervalEnd));
        }
    }

    private static IResult GetCoreContext(HttpContext http, NgsiLdCoreContext context)
    {
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.Bytes(context.Bytes, "application/ld+json");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContext http, int limit)
    {
        if (http.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit + 1L;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static DomainException TooLarge(int limit) =>
        new(ErrorCodes.NgsiLdTooLarge, $"A notification is at most {limit / 1024} KiB; lower the subscription's batch size so the broker sends fewer entities at once.");
}
