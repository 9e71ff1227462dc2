using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Parties;

/// <summary>A party just registered, with its first API key (shown once, never stored in the clear).</summary>
public sealed record PartyWithKey(PartyProfile Profile, string ApiKey);

/// <summary>
/// The operator's side of parties: register one with its first key, list them, issue and revoke keys, suspend and
/// reinstate. The API and the operator console both come here. It lives in the host, not in the application
/// project, because keys are a host matter: <see cref="ApiKeyIssuer"/> writes the key format and every change
/// to a key must also clear this host's <see cref="ApiKeyCache"/> of authentication tickets at once.
/// </summary>
public sealed class PartyAdministration(IGrainFactory grains, IPartyDirectory directory, ApiKeyIssuer keys, ApiKeyCache cache)
{
    public async Task<PartyWithKey> RegisterAsync(string? id, string? role, string? name)
    {
        var parsed = Wire.ParseEnum<PartyRole>(role, "role");
        if (parsed == PartyRole.DataSubject)
        {
            throw new DomainException(DomainErrorCode.InvalidField("role"),
                "A data subject is not a party: their information bank registers them (POST /api/v1/bank/subjects).");
        }
        var partyId = string.IsNullOrWhiteSpace(id) ? Identifiers.NewId(parsed.ToString().ToLowerInvariant()) : id.Trim();
        Wire.EnsureSlug(partyId, "id");
        var profile = await grains.GetGrain<IPartyGrain>(partyId).Register(parsed, name ?? "");
        var key = await keys.IssueAsync(new ApiPrincipal(partyId, parsed));
        return new PartyWithKey(profile, key);
    }

    /// <summary>A page of parties in registration order; each party's own grain has the last word on its status.</summary>
    public async Task<IndexPage<PartyProfile>> ListAsync(PageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = await directory.ListAsync(request.After, request.PageSize, cancellationToken);
        var profiles = await Task.WhenAll(page.Items.Select(e => grains.GetGrain<IPartyGrain>(e.PartyId).GetProfile()));
        return new IndexPage<PartyProfile>([.. profiles.OfType<PartyProfile>()], page.Next);
    }

    public async Task<PartyProfile> GetAsync(string id)
    {
        // An id that cannot be a party's (say 10,000 characters) is unknown before any grain is asked.
        if (!Identifiers.IsValidSlug(id))
        {
            throw UnknownParty(id);
        }
        return await grains.GetGrain<IPartyGrain>(id).GetProfile() ?? throw UnknownParty(id);
    }

    /// <summary>Another key for the party (by the operator, or by the party itself, e.g. from its console); the key is shown once.</summary>
    public async Task<string> IssueKeyAsync(ApiPrincipal caller, string id)
    {
        await OperatorOrSelfAsync(caller, id);
        var profile = await GetAsync(id);
        return await keys.IssueAsync(new ApiPrincipal(id, profile.Role));
    }

    public async Task<IReadOnlyList<PartyKey>> ListKeysAsync(ApiPrincipal caller, string id) =>
        await (await OperatorOrSelfAsync(caller, id)).ListKeys();

    public async Task<PartyKey> RevokeKeyAsync(ApiPrincipal caller, string id, string prefix)
    {
        var party = await OperatorOrSelfAsync(caller, id);
        if (!ApiKeyIssuer.IsPrefix(prefix))
        {
            throw new DomainException(ErrorCodes.ApikeyNotFound, $"Party '{id}' has no key '{prefix}'.");
        }
        var key = await party.RevokeKey(prefix);
        cache.Forget(prefix);
        return key;
    }

    /// <summary>Suspends the party: its keys stop working on this host at once, and everywhere within the cache's lifetime.</summary>
    public async Task<PartyProfile> SuspendAsync(ApiPrincipal caller, string id, string? reason)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await GetAsync(id);
        var profile = await grains.GetGrain<IPartyGrain>(id).Suspend(reason ?? "", caller.PartyId);
        foreach (var prefix in profile.KeyPrefixes)
        {
            cache.Forget(prefix);
        }
        return profile;
    }

    public async Task<PartyProfile> ReinstateAsync(string id)
    {
        await GetAsync(id);
        return await grains.GetGrain<IPartyGrain>(id).Reinstate();
    }

    /// <summary>The party if the caller is an operator or the party itself; any other caller learns nothing (the same 404 as an unknown id).</summary>
    private async Task<IPartyGrain> OperatorOrSelfAsync(ApiPrincipal caller, string id)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role != PartyRole.Operator && caller.PartyId != id)
        {
            throw UnknownParty(id);
        }
        await GetAsync(id);
        return grains.GetGrain<IPartyGrain>(id);
    }

    private static DomainException UnknownParty(string id) => new(ErrorCodes.PartyNotFound, $"There is no party '{id}'.");
}
