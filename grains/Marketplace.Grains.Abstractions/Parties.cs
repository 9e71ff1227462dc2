namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.PartyRole")]
public enum PartyRole
{
    Operator,
    Provider,
    Buyer,
}

[GenerateSerializer, Immutable, Alias("Marketplace.PartyProfile")]
public sealed record PartyProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] PartyRole Role,
    [property: Id(2)] string Name,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] IReadOnlyList<string> KeyPrefixes);

/// <summary>The authenticated caller: who they are and in which role.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ApiPrincipal")]
public sealed record ApiPrincipal([property: Id(0)] string PartyId, [property: Id(1)] PartyRole Role);

/// <summary>
/// A provider, buyer or operator (key: party id). One grain for all roles: profile and keys are the same shape.
/// What a party holds (datasets, offerings, contracts) lives in the holdings index, not here.
/// </summary>
[Alias("Marketplace.IPartyGrain")]
public interface IPartyGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<PartyProfile> Register(PartyRole role, string name);

    [Alias("GetProfile")]
    Task<PartyProfile?> GetProfile();

    [Alias("AttachKey")]
    Task AttachKey(string keyPrefix);

}

/// <summary>An API key (key: the key's public prefix). Holds only a hash of the secret.</summary>
[Alias("Marketplace.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Issue")]
    Task Issue(ApiPrincipal principal, byte[] secretHash);

    [Alias("Verify"), Orleans.Concurrency.ReadOnly]
    Task<ApiPrincipal?> Verify(byte[] secretHash);

    [Alias("Revoke")]
    Task Revoke();
}
