namespace Marketplace.Grains;

public sealed partial class PartyState
{
    [Id(26)] public List<string> Certifications { get; set; } = [];
}

public sealed partial class PartyGrain
{
    public async Task<PartyProfile> SetCertifications(IReadOnlyList<string> certifications)
    {
        ArgumentNullException.ThrowIfNull(certifications);
        EnsureRegistered();
        if (!S.Certifications.SequenceEqual(certifications, StringComparer.Ordinal))
        {
            var previous = S.Certifications;
            S.Certifications = [.. certifications];
            try
            {
                await Save();
            }
            catch
            {
                // A grain never serves state it failed to store.
                S.Certifications = previous;
                throw;
            }
        }
        return Profile();
    }
}
