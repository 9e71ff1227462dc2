using Marketplace.Application.Catalog;
using Marketplace.Application.Consent;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Features.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Consent;

public sealed record CertificationsRequest(IReadOnlyList<string?>? Certifications);

public sealed record CertificationsResponse(string PartyId, IReadOnlyList<string> Certifications);

/// <summary>How many people consent now to a personal offering's data, per purpose and recipient class (the floor applies).</summary>
public sealed record OfferingConsentCountsResponse(string OfferingId, int Floor, IReadOnlyList<ConsentCountResponse> Items);

/// <summary>
/// How consent stands under a contract, in counts only: the people covered now (under the floor: fewer than it) and
/// the consents that covered the contract's buyer and purpose but were withdrawn or expired since the contract became
/// active (the buyer deletes what it held of those people).
/// </summary>
public sealed record ContractConsentResponse(
    string ContractId, bool Personal, bool Reviewed, long? CoveredNow, bool CoveredFewerThanFloor, int Floor,
    long WithdrawnSinceActive, long ExpiredSinceActive, DateTimeOffset? ActiveSince, DateTimeOffset At);

/// <summary>The buyer's side of personal data: its declared certifications, an offering's consent counts, and consent under its contract.</summary>
public static class BuyerConsentEndpoints
{
    public static IEndpointRouteBuilder MapBuyerConsentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/parties/{id}/certifications", SetCertifications).WithTags("Parties").WithName("SetPartyCertifications")
            .WithSummary("The certifications a buyer declares for the information banks' reviews (e.g. Privacy Mark, ISMS / ISO/IEC 27001): the buyer itself or the operator; at most 10, each up to 100 characters; the list replaces the previous one.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(404);
        app.MapGet("/api/v1/offerings/{id}/consent-counts", OfferingCounts).WithTags("Offerings").WithName("GetOfferingConsentCounts")
            .WithSummary("How many people consent now to a listed personal offering's data, per purpose and recipient class (never who; counts under 10 are shown as fewer than 10).")
            .RequireAuthorization(Policies.AnyoneOrValidKey).ProducesProblem(404);
        app.MapGet("/api/v1/contracts/{id}/consent", ContractStanding).WithTags("Contracts").WithName("GetContractConsent")
            .WithSummary("How consent stands under a contract of personal data, in counts only: people covered now, and consents withdrawn or expired since the contract became active.")
            .RequireAuthorization().ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<CertificationsResponse>> SetCertifications(string id, CertificationsRequest? request, HttpContext http, BuyerCertifications certifications)
    {
        var profile = await certifications.SetAsync(http.User.Caller(), id, request?.Certifications);
        return TypedResults.Ok(new CertificationsResponse(profile.Id, profile.Certifications ?? []));
    }

    private static async Task<Ok<OfferingConsentCountsResponse>> OfferingCounts(string id, HttpContext http, CatalogBrowsing catalog, InformationBanking banking)
    {
        var entry = await catalog.FindEntryAsync(http.User.CallerOrAnonymous(), id);
        if (entry is not { Offering.Status: OfferingStatus.Listed, Dataset: { Definition.PersonalProfile: not null } dataset })
        {
            throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no listed personal offering '{TextBounds.Shorten(id)}' you may see.");
        }
        var purposes = entry.Offering.Definition.Policy.PermittedPurposes;
        var counts = await banking.CountsAsync(dataset, http.RequestAborted);
        return TypedResults.Ok(new OfferingConsentCountsResponse(entry.Offering.Id, ConsentWire.CountFloor,
            [.. counts.Where(c => purposes.Count == 0 || purposes.Contains(c.Purpose, StringComparer.Ordinal)).Select(c => c.ToResponse())]));
    }

    private static async Task<Ok<ContractConsentResponse>> ContractStanding(string id, HttpContext http, ContractScope contracts, ContractConsent consent) =>
        TypedResults.Ok((await consent.StandingAsync(await contracts.GetAsync(id, http.User.Caller()), http.RequestAborted)).ToResponse(id));

    public static ContractConsentResponse ToResponse(this ContractConsentStanding s, string contractId)
    {
        ArgumentNullException.ThrowIfNull(s);
        var fewer = s.Personal && s.CoveredNow < ConsentWire.CountFloor;
        return new ContractConsentResponse(contractId, s.Personal, s.Reviewed, fewer ? null : s.CoveredNow, fewer, ConsentWire.CountFloor,
            s.Withdrawn, s.Expired, s.Since, s.At);
    }
}
