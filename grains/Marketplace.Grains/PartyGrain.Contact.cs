namespace Marketplace.Grains;

public sealed partial class PartyState
{
    // h1 (issue 12): 40, not the next free number, so that a parallel branch adding state cannot collide.
    [Id(40)] public string? ContactEmail { get; set; }
}

public sealed partial class PartyGrain
{
    public async Task<PartyProfile> SetContactEmail(string? email)
    {
        EnsureRegistered();
        if (S.ContactEmail != email)
        {
            var previous = S.ContactEmail;
            S.ContactEmail = email;
            try
            {
                await Save();
            }
            catch
            {
                // A grain never serves state it failed to store.
                S.ContactEmail = previous;
                throw;
            }
        }
        return Profile();
    }
}
