using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Federation;

/// <summary>What an operator sends to register a partner: our buyer key there is kept protected and never shown again.</summary>
public sealed record PartnerRegistration(string? Id, string? Name, string? BaseUrl, string? BuyerApiKey);

/// <summary>
/// The partner marketplaces this one buys from (operator only, by the routes and pages that call this). Our buyer
/// key at a partner is protected with the host's data protection before it is stored, and leaves this service only
/// as a <see cref="PartnerAddress"/> for a call to that partner.
/// </summary>
public sealed class PartnerRegistry(GrainReferences grains, IPartnerKeyProtection protection)
{
    public const int MaxBaseUrlLength = 2_000;
    public const int MaxKeyLength = 500;

    public async Task<PartnerView> RegisterAsync(PartnerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!Identifiers.IsValidSlug(registration.Id))
        {
            throw new DomainException(ErrorCodes.PartnerInvalid, "A partner id is a lower-case slug such as \"kobe\" (letters, digits and hyphens).");
        }
        var name = registration.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new DomainException(ErrorCodes.PartnerInvalid, "A partner needs a name, e.g. \"Kobe City Data Marketplace\".");
        }
        TextBounds.Check(name, TextBounds.Name, "name");
        var baseUrl = BaseUrlOf(registration.BaseUrl);
        var key = registration.BuyerApiKey;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(ch => ch is < '!' or > '~'))
        {
            throw new DomainException(ErrorCodes.PartnerInvalid,
                $"buyerApiKey is this marketplace's buyer API key at the partner: 1 to {MaxKeyLength} printable characters without spaces.");
        }
        return await grains.Get<IPartnerGrain>(registration.Id!).Register(name, baseUrl.ToString(), protection.Protect(key));
    }

    public async Task<IReadOnlyList<PartnerView>> ListAsync()
    {
        var ids = await grains.Get<IPartnerDirectoryGrain>(Partners.DirectoryKey).List();
        var partners = await Task.WhenAll(ids.Select(id => grains.Get<IPartnerGrain>(id).Get()));
        return [.. partners.OfType<PartnerView>().OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    public async Task<PartnerView> GetAsync(string partnerId) =>
        (Identifiers.IsValidSlug(partnerId) ? await grains.Get<IPartnerGrain>(partnerId).Get() : null)
            ?? throw new DomainException(ErrorCodes.PartnerNotFound, $"There is no partner '{TextBounds.Shorten(partnerId)}'.");

    public async Task RemoveAsync(string partnerId)
    {
        if (!Identifiers.IsValidSlug(partnerId) || !await grains.Get<IPartnerGrain>(partnerId).Remove())
        {
            throw new DomainException(ErrorCodes.PartnerNotFound, $"There is no partner '{TextBounds.Shorten(partnerId)}'.");
        }
    }

    /// <summary>Where to call the partner, with our key there unprotected for the call.</summary>
    public PartnerAddress AddressOf(PartnerView partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return new PartnerAddress(partner.Id, partner.Name, new Uri(partner.BaseUrl), protection.Unprotect(partner.ProtectedBuyerKey));
    }

    private static Uri BaseUrlOf(string? value)
    {
        if (value is null || value.Length > MaxBaseUrlLength
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new DomainException(ErrorCodes.PartnerInvalid,
                "baseUrl is the partner marketplace's address, e.g. \"https://data.kobe.example/\": http or https, without query, fragment or credentials.");
        }
        // Paths below it are relative ("api/v1/..."): a base without a trailing slash would lose its last segment.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }
}
