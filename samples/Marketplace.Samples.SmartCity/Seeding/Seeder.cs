using System.Net;
using Marketplace.Client;
using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>
/// Loads <see cref="SampleCity"/> into a marketplace through its public API, resuming where an earlier run stopped:
/// every party, key, dataset, revision, offering and contract is created if absent, and checked (and completed)
/// if present. Only when everything is in place does it print <see cref="ReadyLine"/>.
/// </summary>
/// <param name="marketplace">The marketplace, called with the operator's key.</param>
internal sealed class Seeder(MarketplaceClient marketplace, TextWriter output)
{
    public const string ReadyLine = "The sample city is ready.";

    /// <summary>The operator party the marketplace registers on its first start.</summary>
    private const string OperatorId = "operator";

    // The role each party holds in this marketplace (an information bank may hold the provider role).
    private readonly Dictionary<string, string> roles = new(StringComparer.Ordinal);

    public async Task SeedAsync(string operatorKey, string keysFile, CancellationToken cancellationToken)
    {
        var keys = KeysFile.Load(keysFile);
        keys.Save(SampleCity.OperatorKeyVariable, operatorKey);

        foreach (var party in SampleCity.Parties)
        {
            await EnsurePartyAsync(party, keys, cancellationToken);
        }

        foreach (var (partyId, registration, serviceApp) in SampleCity.Billing)
        {
            // A PUT of the whole profile: repeating it changes nothing.
            await marketplace.SetPartyBillingAsync(partyId, new PartyBillingRequest(registration ?? "", serviceApp), cancellationToken);
        }
        output.WriteLine($"  billing profiles of {SampleCity.Billing.Count} parties");

        foreach (var (partyId, email) in SampleCity.Contacts)
        {
            await marketplace.SetContactAsync(partyId, new PartyContactRequest(email), cancellationToken);
        }
        output.WriteLine($"  contact addresses of {SampleCity.Contacts.Count} providers");

        await DemoPeople.EnsureAsync(marketplace, keys, OperatorId, SampleCity.OperatorKeyVariable, "運営担当 (Operator)", cancellationToken);
        foreach (var party in SampleCity.Parties)
        {
            await DemoPeople.EnsureAsync(marketplace, keys, party.Id, party.KeyVariable, "デモ担当 (Demo)", cancellationToken);
        }

        foreach (var dataset in SampleCity.Datasets)
        {
            await EnsureDatasetAsync(As(keys, dataset.ProviderId), dataset, cancellationToken);
        }

        // h3 (issue 12): the live air-quality sensors arrive through the City OS feed (NGSI-LD notifications).
        await CityOsFeed.EnsureAsync(As(keys, CityOsFeed.ProviderId), SampleCity.Party(CityOsFeed.ProviderId).Name, output, cancellationToken);

        foreach (var offering in SampleCity.Offerings)
        {
            await EnsureOfferingAsync(As(keys, SampleCity.Dataset(offering.DatasetId).ProviderId), offering, cancellationToken);
        }

        foreach (var subscription in SampleCity.Subscriptions)
        {
            await EnsureSubscriptionAsync(keys, subscription, cancellationToken);
        }

        if (roles.GetValueOrDefault(SeedResidents.BankId) == PartyRoles.InformationBank)
        {
            await SeedResidents.EnsureAsync(marketplace, keys, output, cancellationToken);
        }

        WriteSignInTable(keys);
        WriteKeyTable(keys);
        output.WriteLine($"source {keys.Path} to use them");
        output.WriteLine(ReadyLine);
    }

    private MarketplaceClient As(KeysFile keys, string partyId) =>
        marketplace.WithKey(keys[SampleCity.Party(partyId).KeyVariable]
            ?? throw new InvalidOperationException($"No key for {partyId} after its registration."));

    private async Task EnsurePartyAsync(SampleParty party, KeysFile keys, CancellationToken cancellationToken)
    {
        if (keys[party.KeyVariable] is { } key)
        {
            try
            {
                var me = await marketplace.WithKey(key).WhoAmIAsync(cancellationToken);
                if (me.Id == party.Id)
                {
                    Check(party, me.Role, me.Name);
                    roles[party.Id] = me.Role;
                    output.WriteLine($"  party {party.Id} ({me.Role}): present");
                    return;
                }
            }
            catch (MarketplaceProblemException e) when (e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // A key from another store (e.g. a deleted data directory): register or re-key the party below.
            }

            keys.Forget(party.KeyVariable);
        }

        try
        {
            var created = await RegisterAsync(party, cancellationToken);
            keys.Save(party.KeyVariable, created.ApiKey);
            roles[party.Id] = created.Role;
            output.WriteLine($"  party {party.Id} ({created.Role})");
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.Conflict)
        {
            // Registered by an earlier run whose key never reached the file: give it a new key and check it with
            // that key (reading one party back needs no walk through the party directory's pages).
            var issued = await marketplace.IssueKeyAsync(party.Id, cancellationToken);
            var existing = await marketplace.WithKey(issued.ApiKey).WhoAmIAsync(cancellationToken);
            Check(party, existing.Role, existing.Name);
            keys.Save(party.KeyVariable, issued.ApiKey);
            roles[party.Id] = existing.Role;
            output.WriteLine($"  party {party.Id} ({existing.Role}): present, issued a new key");
        }
    }

    /// <summary>An information bank registers as one where the marketplace knows the role, and as a provider otherwise.</summary>
    private async Task<PartyWithKey> RegisterAsync(SampleParty party, CancellationToken cancellationToken)
    {
        try
        {
            return await marketplace.CreatePartyAsync(new(party.Id, Requests.WireName(party.Role), party.Name), cancellationToken);
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.BadRequest && party.Role == PartyRole.InformationBank)
        {
            return await marketplace.CreatePartyAsync(new(party.Id, PartyRoles.Provider, party.Name), cancellationToken);
        }
    }

    private static void Check(SampleParty party, string role, string name)
    {
        var accepted = party.Role == PartyRole.InformationBank
            ? [PartyRoles.InformationBank, PartyRoles.Provider]
            : new[] { Requests.WireName(party.Role) };
        if (!accepted.Contains(role) || name != party.Name)
        {
            throw new CityMismatchException(
                $"Party {party.Id} exists as a {role} named '{name}', not as the sample city's {accepted[0]} '{party.Name}'.");
        }
    }

    private async Task EnsureDatasetAsync(MarketplaceClient provider, SampleDataset dataset, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(() => provider.GetDatasetAsync(dataset.Id, cancellationToken));
        if (existing is null)
        {
            var publisher = SampleCity.Party(dataset.ProviderId).Name;
            existing = await CreateOrReadAsync(
                () => provider.CreateDatasetAsync(Requests.Dataset(dataset, publisher), cancellationToken),
                () => provider.GetDatasetAsync(dataset.Id, cancellationToken));
        }

        if (existing.ProviderId != dataset.ProviderId || existing.Class != Requests.WireName(dataset.Class) || existing.Title != dataset.Title)
        {
            throw new CityMismatchException(
                $"Dataset {dataset.Id} exists as {existing.ProviderId}'s {existing.Class} '{existing.Title}', not as the sample city's.");
        }

        if (existing.CurrentRevisionId is not null)
        {
            var current = existing.Revisions.First(r => r.RevisionId == existing.CurrentRevisionId);
            output.WriteLine($"  dataset {dataset.Id}: present, {current.Records:N0} records");
            return;
        }

        using var rows = new RowsContent(dataset.Format, dataset.Table);
        var revision = await provider.UploadRevisionAsync(dataset.Id, rows, cancellationToken);
        output.WriteLine(
            $"  dataset {dataset.Id}: {revision.Records:N0} records, {revision.Bytes:N0} bytes of {dataset.Format.FileExtension}");
    }

    private async Task EnsureOfferingAsync(MarketplaceClient provider, SampleOffering offering, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(() => provider.GetOfferingAsync(offering.Id, cancellationToken))
            ?? await CreateOrReadAsync(
                () => provider.CreateOfferingAsync(Requests.Offering(offering), cancellationToken),
                () => provider.GetOfferingAsync(offering.Id, cancellationToken));
        if (existing.DatasetId != offering.DatasetId || existing.Approval != Requests.Approval(offering)
            || existing.Pricing.Model != Requests.WireName(offering.Pricing.Model))
        {
            throw new CityMismatchException(
                $"Offering {offering.Id} exists on {existing.DatasetId} ({existing.Pricing.Model}, {existing.Approval} approval), not as the sample city's.");
        }

        if (existing.Status == "listed")
        {
            output.WriteLine($"  offering {offering.Id}: present, listed");
            return;
        }

        await provider.PublishOfferingAsync(offering.Id, cancellationToken);
        output.WriteLine($"  offering {offering.Id} listed, {offering.Pricing.Summary}");
    }

    private async Task EnsureSubscriptionAsync(KeysFile keys, SampleSubscription subscription, CancellationToken cancellationToken)
    {
        var offering = SampleCity.Offering(subscription.OfferingId);
        var buyer = As(keys, subscription.BuyerId);
        var held = (await buyer.ListContractsAsync(offeringId: offering.Id, cancellationToken: cancellationToken)).Items
            .Where(c => c.Purpose == subscription.Purpose)
            .ToList();
        var contract = held.FirstOrDefault(c => c.Is(ContractStatuses.Active))
            ?? held.FirstOrDefault(c => c.Is(ContractStatuses.Requested))
            ?? await buyer.SubscribeAsync(offering.Id, subscription.Purpose, cancellationToken);
        if (contract.Is(ContractStatuses.Requested) && offering.ProviderApproves)
        {
            var provider = As(keys, SampleCity.Dataset(offering.DatasetId).ProviderId);
            contract = await provider.ApproveContractAsync(contract.Id, cancellationToken: cancellationToken);
        }

        output.WriteLine(
            $"  contract {contract.Id}: {subscription.BuyerId} → {offering.Id} for {subscription.Purpose}, {contract.Status}");
    }

    private static async Task<T?> FindAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates, or — when an earlier attempt created it after all (409) — reads back what is there.</summary>
    private static async Task<T> CreateOrReadAsync<T>(Func<Task<T>> create, Func<Task<T>> read)
    {
        try
        {
            return await create();
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.Conflict)
        {
            return await read();
        }
    }

    /// <summary>The demo people's sign-ins for the web front end, one per party, with the console each lands on.</summary>
    private void WriteSignInTable(KeysFile keys)
    {
        var rows = SampleCity.Parties.Select(p => (Party: p.Id, Variable: p.KeyVariable))
            .Prepend((Party: OperatorId, Variable: SampleCity.OperatorKeyVariable))
            .Select(r => (r.Party, SignIn: DemoPeople.SignInOf(r.Party), Password: keys[DemoPeople.PasswordVariable(r.Variable)] ?? ""))
            .Concat(SeedResidents.SignIns(keys))
            .ToList();
        var partyWidth = rows.Max(r => r.Party.Length);
        var signInWidth = rows.Max(r => r.SignIn.Length);
        output.WriteLine();
        output.WriteLine("Sign in to the web front end (/signin) as:");
        output.WriteLine($"{"party".PadRight(partyWidth)}  {"sign-in".PadRight(signInWidth)}  password");
        foreach (var row in rows)
        {
            output.WriteLine($"{row.Party.PadRight(partyWidth)}  {row.SignIn.PadRight(signInWidth)}  {row.Password}");
        }
        output.WriteLine();
    }

    private void WriteKeyTable(KeysFile keys)
    {
        // Names go last: their width in a terminal is not their length in chars, so they would break the columns.
        var rows = SampleCity.Parties
            .Select(p => (Party: p.Id, Role: roles.GetValueOrDefault(p.Id, Requests.WireName(p.Role)), Variable: p.KeyVariable, Key: keys[p.KeyVariable] ?? "", p.Name))
            .Prepend((Party: "(operator)", Role: "operator", Variable: SampleCity.OperatorKeyVariable,
                Key: keys[SampleCity.OperatorKeyVariable] ?? "", Name: ""))
            .ToList();
        var partyWidth = rows.Max(r => r.Party.Length);
        var roleWidth = rows.Max(r => r.Role.Length);
        var variableWidth = rows.Max(r => r.Variable.Length);
        var keyWidth = rows.Max(r => r.Key.Length);

        output.WriteLine();
        output.WriteLine($"{"party".PadRight(partyWidth)}  {"role".PadRight(roleWidth)}  {"variable".PadRight(variableWidth)}  {"key".PadRight(keyWidth)}  name");
        foreach (var row in rows)
        {
            output.WriteLine(
                $"{row.Party.PadRight(partyWidth)}  {row.Role.PadRight(roleWidth)}  {row.Variable.PadRight(variableWidth)}  {row.Key.PadRight(keyWidth)}  {row.Name}".TrimEnd());
        }

        output.WriteLine();
    }
}

/// <summary>The marketplace holds an item of the sample city's with other contents; seeding cannot go on.</summary>
internal sealed class CityMismatchException(string message) : Exception(message);
