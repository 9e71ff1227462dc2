using Marketplace.Application.Federation;
using Microsoft.AspNetCore.DataProtection;

namespace Marketplace.Host.Features.Partners;

/// <summary>Our buyer keys at partner cities, protected at rest with the host's data-protection key ring (shared by a cluster's hosts).</summary>
public sealed class PartnerKeyProtection(IDataProtectionProvider provider) : IPartnerKeyProtection
{
    private readonly IDataProtector _protector = provider.CreateProtector("Marketplace.Partners.BuyerKey.v1");

    public string Protect(string buyerKey) => _protector.Protect(buyerKey);

    public string Unprotect(string protectedBuyerKey) => _protector.Unprotect(protectedBuyerKey);
}
