using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>What the portal says when the application refuses a person's choice: in their language where it can, else its own words.</summary>
public static class SubjectErrors
{
    public static string Say(IStringLocalizer<SubjectPortalText> s, DomainException error)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            var c when c == ErrorCodes.NoticeChanged.Value => s["Error.NoticeChanged"],
            var c when c == ErrorCodes.ConsentPurposeUnknown.Value => s["Error.Purposes"],
            var c when c == ErrorCodes.ConsentRecipientsRequired.Value => s["Error.Recipients"],
            var c when c == ErrorCodes.ConsentExpiryInvalid.Value => s["Error.Expiry"],
            "expiresAt.invalid" => s["Error.Expiry"],
            _ => s["Error.Refused", error.Message],
        };
    }
}
