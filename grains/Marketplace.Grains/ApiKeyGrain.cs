using System.Security.Cryptography;
using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public string PartyId { get; set; } = "";
    [Id(1)] public PartyRole Role { get; set; }
    [Id(2)] public byte[] SecretHash { get; set; } = [];
    [Id(3)] public bool Revoked { get; set; }
    [Id(4)] public DateTimeOffset IssuedAt { get; set; }
    [Id(5)] public string? SubjectId { get; set; }
}

[GrainType("apikey")]
public sealed class ApiKeyGrain(
    [PersistentState("apikey", GrainStorage.Name)] IPersistentState<ApiKeyState> state,
    BillingCalendar calendar) : Grain, IApiKeyGrain
{
    public async Task Issue(ApiPrincipal principal, byte[] secretHash)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (state.RecordExists)
        {
            // Issuing the same key to the same party again (a retry) is done already; anything else is another key.
            var s = state.State;
            if (s.PartyId == principal.PartyId && !s.Revoked && CryptographicOperations.FixedTimeEquals(s.SecretHash, secretHash))
            {
                return;
            }
            throw new DomainException(ErrorCodes.ApikeyExists, "This key prefix is already taken; issue a new key.");
        }
        state.State.PartyId = principal.PartyId;
        state.State.Role = principal.Role;
        state.State.SubjectId = principal.SubjectId;
        state.State.SecretHash = secretHash;
        state.State.IssuedAt = calendar.Now;
        await state.WriteStateAsync();
    }

    public async Task<KeyVerification> Verify(byte[] secretHash)
    {
        var s = state.State;
        if (!state.RecordExists)
        {
            return new KeyVerification(KnownPrefix: false, Principal: null);
        }
        if (s.Revoked || !CryptographicOperations.FixedTimeEquals(s.SecretHash, secretHash))
        {
            return new KeyVerification(KnownPrefix: true, Principal: null);
        }
        // The party, not the key, decides whether it may act: a suspension stops every key at once. A data subject
        // acts for themself: their bank's suspension must not stop them seeing or withdrawing their consents.
        var status = s.Role == PartyRole.DataSubject ? PartyStatus.Active : await GrainFactory.GetGrain<IPartyGrain>(s.PartyId).GetStatus();
        return new KeyVerification(KnownPrefix: true, status == PartyStatus.Active ? new ApiPrincipal(s.PartyId, s.Role, s.SubjectId) : null);
    }

    public Task<KeyHolder?> Holder() =>
        Task.FromResult(state.RecordExists ? new KeyHolder(state.State.PartyId, state.State.Revoked) : null);

    public async Task<bool> Revoke(string partyId)
    {
        if (!state.RecordExists || state.State.PartyId != partyId)
        {
            return false;
        }
        if (!state.State.Revoked)
        {
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }
        return true;
    }
}
