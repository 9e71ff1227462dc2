using System.Text.RegularExpressions;
using Marketplace.Application;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Billing.Parties;

/// <summary>A change to how a party is invoiced and paid; a null field is left as it is, an empty string clears it.</summary>
public sealed record PartyBillingChange(string? InvoiceRegistration, bool? ServiceApp, string? PayoutAccount);

/// <summary>
/// How parties are invoiced and paid. A party sets its own registration number and payout account; only the
/// operator registers a buyer as a service app (which makes it pay the connection fee), and may change anything.
/// </summary>
public sealed partial class PartyBillingProfiles(GrainReferences grains)
{
    public async Task<PartyProfile> SetAsync(ApiPrincipal caller, string partyId, PartyBillingChange change)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(change);
        var isOperator = caller.Role == PartyRole.Operator;
        var profile = Identifiers.IsValidSlug(partyId) && (isOperator || caller.PartyId == partyId)
            ? await grains.Get<IPartyGrain>(partyId).GetProfile()
            : null;
        if (profile is null)
        {
            throw new DomainException(ErrorCodes.PartyNotFound, $"There is no party '{partyId}' whose billing you may change.");
        }
        var current = profile.Billing ?? PartyBilling.None;
        if (change.ServiceApp is { } serviceApp && serviceApp != current.ServiceApp)
        {
            if (!isOperator)
            {
                throw new DomainException(ErrorCodes.BillingServiceAppByOperator,
                    "Only the operator registers a buyer as a service app (it then pays the connection fee per active contract); ask the operator.");
            }
            if (serviceApp && profile.Role != PartyRole.Buyer)
            {
                throw new DomainException(ErrorCodes.BillingServiceAppByOperator, $"Only buyers can be service apps; '{partyId}' is a {profile.Role}.");
            }
        }
        var payout = change.PayoutAccount switch
        {
            null => current.PayoutAccount,
            "" => null,
            var account when ConnectedAccount().IsMatch(account.Trim()) => account.Trim(),
            _ => throw new DomainException(ErrorCodes.BillingPayoutAccountInvalid,
                "A payout account is a Stripe connected account id such as acct_1Nv0FGQ9RKHgCVdK."),
        };
        var next = new PartyBilling(
            change.InvoiceRegistration switch
            {
                null => current.InvoiceRegistration,
                "" => null,
                var text => InvoiceRegistrationNumber.Parse(text),
            },
            change.ServiceApp ?? current.ServiceApp,
            payout);
        return await grains.Get<IPartyGrain>(partyId).SetBilling(next);
    }

    [GeneratedRegex("^acct_[A-Za-z0-9]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectedAccount();
}
