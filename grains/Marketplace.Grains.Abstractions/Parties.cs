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

/// <summary>What a party owns or holds: a provider's datasets and offerings, a buyer's contracts.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.PartyHoldings")]
public sealed record PartyHoldings(
    [property: Id(0)] IReadOnlyList<string> DatasetIds,
    [property: Id(1)] IReadOnlyList<string> OfferingIds,
    [property: Id(2)] IReadOnlyList<string> ContractIds);

/// <summary>The authenticated caller: who they are and in which role.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ApiPrincipal")]
public sealed record ApiPrincipal([property: Id(0)] string PartyId, [property: Id(1)] PartyRole Role);

/// <summary>A provider, buyer or operator (key: party id). One grain for all roles: profile, keys and holdings are the same shape.</summary>
[Alias("Marketplace.IPartyGrain")]
public interface IPartyGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<PartyProfile> Register(PartyRole role, string name);

    [Alias("GetProfile")]
    Task<PartyProfile?> GetProfile();

    [Alias("AttachKey")]
    Task AttachKey(string keyPrefix);

    [Alias("AddDataset")]
    Task AddDataset(string datasetId);

    [Alias("AddOffering")]
    Task AddOffering(string offeringId);

    [Alias("AddContract")]
    Task AddContract(string contractId);

    [Alias("GetHoldings")]
    Task<PartyHoldings> GetHoldings();
}

/// <summary>Every registered party (key: 0). Small by nature: parties are organisations, not people.</summary>
[Alias("Marketplace.IPartyDirectoryGrain")]
public interface IPartyDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string partyId);

    [Alias("List")]
    Task<IReadOnlyList<string>> List();
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
