using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Offerings;

/// <summary>
/// Editing an offering's terms (title, description, pricing plan, usage policy, visibility and named buyers,
/// approval, preview), for the API and the provider console alike. Only the providing party and the operator may;
/// anyone else is answered as if the offering did not exist. The checks are those of create, in the offering grain.
/// </summary>
public sealed class OfferingTerms(GrainReferences grains)
{
    /// <summary>The offering as its provider edits it, with every named buyer and its <see cref="OfferingView.Version"/>; 404 for anyone else.</summary>
    public async Task<OfferingView> FindForEditingAsync(ApiPrincipal caller, string offeringId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = Identifiers.IsValidSlug(offeringId) ? await grains.Get<IOfferingGrain>(offeringId).Get() : null;
        return view is not null && Tenancy.MayManage(caller, view.ProviderId)
            ? view
            : throw NotFound(offeringId);
    }

    /// <summary>
    /// Replaces the offering's terms with <paramref name="terms"/> (whose dataset must be the offering's own) if the
    /// offering is still at <paramref name="expectedVersion"/>, the version its editor read; null replaces whatever
    /// version is stored (HTTP's <c>If-Match: *</c>) and is not what a form should send. Answers the offering as
    /// stored, with its new version. A stale version answers 412 <c>offering.version-stale</c> and changes nothing;
    /// the same terms again change nothing and succeed, whatever version they name.
    /// </summary>
    public async Task<OfferingView> ReviseAsync(ApiPrincipal caller, string offeringId, long? expectedVersion, OfferingDefinition terms)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(terms);
        if (!Identifiers.IsValidSlug(offeringId))
        {
            throw NotFound(offeringId);
        }
        return await grains.Get<IOfferingGrain>(offeringId).Revise(caller, expectedVersion, terms);
    }

    private static DomainException NotFound(string offeringId) => new(ErrorCodes.OfferingNotFound, $"You have no offering '{offeringId}'.");
}
