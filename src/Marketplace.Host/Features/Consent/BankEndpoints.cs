using Marketplace.Application.Consent;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Consent;

/// <summary>An information bank's API (its own people, notices and reviews only), and the notices anyone may read.</summary>
public static class BankEndpoints
{
    public static IEndpointRouteBuilder MapBankEndpoints(this IEndpointRouteBuilder app)
    {
        var bank = app.MapGroup("/api/v1/bank").WithTags("Information bank").RequireAuthorization(Policies.InformationBank);
        bank.MapPost("/subjects", Register).WithName("RegisterSubject")
            .WithSummary("Register one of your people by the subject id their records carry, with an optional portal sign-in (e-mail; a one-time password is answered once) and their own API key (answered once).")
            .ProducesProblem(400).ProducesProblem(409);
        bank.MapGet("/subjects/{subjectId}", GetSubject).WithName("GetSubject")
            .WithSummary("One of your people: registration, statistics choice and deletion request (never their consents' details).").ProducesProblem(404);
        bank.MapPut("/notices/{noticeId}", Publish).WithName("PublishNotice")
            .WithSummary("Publish the next version of a notice (ISO/IEC 29184): scope, items, purposes, recipients (country and privacy regime outside Japan), retention, storage location, benefit, withdrawal method, contact. The same text again is a no-op.")
            .ProducesProblem(400);
        bank.MapGet("/reviews", ListReviews).WithName("ListRecipientReviews").WithSummary("Your data-ethics reviews of buyers.");
        bank.MapPut("/reviews/{buyerId}", Review).WithName("ReviewRecipient")
            .WithSummary("Record your data-ethics review of a buyer: its class (public-body, academic, commercial), the purposes approved and the reviewer's note. No approving review, no personal data.")
            .ProducesProblem(400).ProducesProblem(404);
        bank.MapGet("/datasets/{datasetId}/consent-counts", Counts).WithName("GetConsentCounts")
            .WithSummary("How many of your people consent now to one of your personal datasets, per purpose and recipient class (counts under 10 are shown as fewer than 10).")
            .ProducesProblem(404);

        app.MapGet("/api/v1/banks/{bankId}/notices", ListNotices).WithTags("Information bank").WithName("ListNotices")
            .WithSummary("The current version of each of a bank's notices: what its people read before consenting. Open to anyone.").RequireAuthorization(Policies.AnyoneOrValidKey).ProducesProblem(400);
        app.MapGet("/api/v1/banks/{bankId}/notices/{noticeId}", GetNotice).WithTags("Information bank").WithName("GetNotice")
            .WithSummary("A notice, its current version or the one asked for (version). Open to anyone.").RequireAuthorization(Policies.AnyoneOrValidKey).ProducesProblem(404);
        return app;
    }

    private static async Task<Created<RegisteredSubjectResponse>> Register(RegisterSubjectRequest request, HttpContext http, SubjectRegistration registration)
    {
        var registered = await registration.RegisterAsync(http.User.Caller().PartyId, request);
        return TypedResults.Created($"/api/v1/bank/subjects/{registered.Subject.SubjectId}", registered);
    }

    private static async Task<Ok<SubjectResponse>> GetSubject(string subjectId, HttpContext http, InformationBanking banking) =>
        TypedResults.Ok((await banking.GetSubjectAsync(http.User.Caller().PartyId, subjectId)).ToResponse());

    private static async Task<Ok<NoticeResponse>> Publish(string noticeId, NoticeRequest request, HttpContext http, InformationBanking banking) =>
        TypedResults.Ok((await banking.PublishNoticeAsync(http.User.Caller().PartyId, noticeId, request.ToDraft())).ToResponse());

    private static async Task<Ok<ReviewListResponse>> ListReviews(HttpContext http, InformationBanking banking) =>
        TypedResults.Ok(new ReviewListResponse([.. (await banking.ListReviewsAsync(http.User.Caller().PartyId)).Select(r => r.ToResponse())]));

    private static async Task<Ok<ReviewResponse>> Review(string buyerId, ReviewRequest request, HttpContext http, InformationBanking banking)
    {
        var caller = http.User.Caller();
        var review = await banking.ReviewAsync(caller.PartyId, ReviewerOf(http), buyerId, Wire.ParseEnum<RecipientClass>(request.Class, "class"),
            request.Purposes, request.Note, request.Approved);
        return TypedResults.Ok(review.ToResponse());
    }

    private static async Task<Ok<ConsentCountListResponse>> Counts(string datasetId, HttpContext http, InformationBanking banking, IGrainFactory grains)
    {
        var bankId = http.User.Caller().PartyId;
        var dataset = Identifiers.IsValidSlug(datasetId) ? await grains.GetGrain<IDatasetGrain>(datasetId).Get() : null;
        if (dataset is null || dataset.ProviderId != bankId || dataset.Definition.Class != DatasetClass.Personal)
        {
            throw new DomainException(ErrorCodes.DatasetNotFound, $"You hold no personal dataset '{TextBounds.Shorten(datasetId)}'.");
        }
        var counts = await banking.CountsAsync(dataset, http.RequestAborted);
        return TypedResults.Ok(new ConsentCountListResponse(dataset.Id, ConsentWire.CountFloor, [.. counts.Select(c => c.ToResponse())]));
    }

    private static async Task<Ok<NoticeListResponse>> ListNotices(string bankId, InformationBanking banking) =>
        TypedResults.Ok(new NoticeListResponse([.. (await banking.ListNoticesAsync(bankId)).Select(n => n.ToResponse())]));

    private static async Task<Ok<NoticeResponse>> GetNotice(string bankId, string noticeId, int? version, InformationBanking banking) =>
        TypedResults.Ok((await banking.GetNoticeAsync(bankId, noticeId, version)).ToResponse());

    /// <summary>The person who reviewed (signed in) or the bank's key (the API).</summary>
    private static string ReviewerOf(HttpContext http) => PersonCookie.SignInOf(http.User) ?? "api-key:" + http.User.FindFirst(ApiKeyAuthentication.KeyClaim)?.Value;
}
