using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>A refused offering form in the reader's language where the console knows the refusal; otherwise the rule's own words.</summary>
public static class OfferingErrors
{
    public static string Say(DomainException e, OfferingForm form, IStringLocalizer<ProviderText> text)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(text);
        return e.Code switch
        {
            _ when e.Code == ErrorCodes.DatasetNotFound.Value => text["New.DatasetNotFound", form.DatasetId ?? ""],
            _ when e.Code == ErrorCodes.OfferingExists.Value => text["New.Exists", form.Id ?? ""],
            _ when e.Code == ErrorCodes.OfferingNoBuyers.Value => text["New.NoBuyers"],
            _ when e.Code == ErrorCodes.OfferingVersionStale.Value => text["Edit.Stale"],
            // The rule's own words (the API's message), introduced in the reader's language.
            _ when e.Code == ErrorCodes.AggregatePolicyInvalid.Value => text["New.AggregatesRefused", e.Message],
            _ when e.Code == ErrorCodes.PurposePriceInvalid.Value => text["New.PurposePriceRefused", e.Message],
            _ => e.Message,
        };
    }
}
