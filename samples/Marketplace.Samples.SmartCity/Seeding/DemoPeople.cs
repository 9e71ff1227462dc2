using System.Net;
using Marketplace.Client;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>
/// One demo person per party, who signs in to the web front end: <c>demo@{party}.example.jp</c> with the one-time
/// password the marketplace issued, saved next to the party's key (<c>CITY_KEY</c> → <c>CITY_PASSWORD</c>).
/// </summary>
internal static class DemoPeople
{
    public static string SignInOf(string partyId) => $"demo@{partyId}.example.jp";

    public static string PasswordVariable(string keyVariable) =>
        keyVariable.EndsWith("_KEY", StringComparison.Ordinal) ? keyVariable[..^"_KEY".Length] + "_PASSWORD" : keyVariable + "_PASSWORD";

    /// <summary>
    /// Enrols the party's demo person unless the file already holds their password; a person enrolled by an
    /// earlier run whose password never reached the file gets a new one-time password instead.
    /// </summary>
    public static async Task EnsureAsync(MarketplaceClient operatorClient, KeysFile keys, string partyId, string keyVariable, string displayName,
        CancellationToken cancellationToken)
    {
        var variable = PasswordVariable(keyVariable);
        var signIn = SignInOf(partyId);
        if (keys[variable] is not null)
        {
            var people = await operatorClient.ListPeopleAsync(partyId, cancellationToken);
            if (people.Items.Any(p => p.SignIn == signIn))
            {
                return;
            }
            keys.Forget(variable);
        }
        PersonWithPassword person;
        try
        {
            person = await operatorClient.EnrolPersonAsync(partyId, new EnrolPersonRequest(signIn, displayName), cancellationToken);
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.Conflict)
        {
            person = await operatorClient.ResetPersonPasswordAsync(partyId, signIn, cancellationToken);
        }
        keys.Save(variable, person.OneTimePassword);
    }
}
