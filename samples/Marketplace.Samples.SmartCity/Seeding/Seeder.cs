using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>Loads <see cref="SampleCity"/> into an empty marketplace through its public API.</summary>
internal sealed class Seeder(MarketplaceClient marketplace, TextWriter output)
{
    /// <returns>Whether anything was seeded; false when the store already held data.</returns>
    public async Task<bool> SeedAsync(string operatorKey, string keysFile, CancellationToken cancellationToken)
    {
        var existing = await marketplace.ListDatasetsAsync(operatorKey, cancellationToken);
        if (existing.Items.Count > 0)
        {
            output.WriteLine($"The store already holds the sample city; demo keys are in {keysFile}.");
            return false;
        }

        var keys = await CreatePartiesAsync(operatorKey, cancellationToken);

        // Keys are shown only once: keep them before anything else can fail.
        KeysFile.Write(keysFile, KeysFile.Render(operatorKey, keys));

        foreach (var dataset in SampleCity.Datasets)
        {
            await PublishDatasetAsync(keys[dataset.ProviderId], dataset, cancellationToken);
        }

        foreach (var offering in SampleCity.Offerings)
        {
            var providerKey = keys[SampleCity.Dataset(offering.DatasetId).ProviderId];
            await marketplace.CreateOfferingAsync(providerKey, Requests.Offering(offering), cancellationToken);
            await marketplace.PublishOfferingAsync(providerKey, offering.Id, cancellationToken);
            output.WriteLine($"  offering {offering.Id} listed, {offering.Pricing.Summary}");
        }

        foreach (var subscription in SampleCity.Subscriptions)
        {
            await SubscribeAsync(keys, subscription, cancellationToken);
        }

        WriteKeyTable(operatorKey, keys);
        output.WriteLine($"source {keysFile} to use them");
        return true;
    }

    private async Task<Dictionary<string, string>> CreatePartiesAsync(string operatorKey, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var party in SampleCity.Parties)
        {
            var created = await marketplace.CreatePartyAsync(
                operatorKey, new CreatePartyRequest(party.Id, party.Role, party.Name), cancellationToken);
            keys[party.Id] = created.ApiKey;
            output.WriteLine($"  party {party.Id} ({party.Role.ToString().ToLowerInvariant()})");
        }

        return keys;
    }

    private async Task PublishDatasetAsync(string providerKey, SampleDataset dataset, CancellationToken cancellationToken)
    {
        var publisher = SampleCity.Party(dataset.ProviderId).Name;
        await marketplace.CreateDatasetAsync(providerKey, Requests.Dataset(dataset, publisher), cancellationToken);

        using var rows = new RowsContent(dataset.Format, dataset.Table);
        var revision = await marketplace.UploadRevisionAsync(providerKey, dataset.Id, rows, cancellationToken);
        output.WriteLine(
            $"  dataset {dataset.Id}: {revision.Records:N0} records, {revision.Bytes:N0} bytes of {dataset.Format.FileExtension}");
    }

    private async Task SubscribeAsync(
        IReadOnlyDictionary<string, string> keys, SampleSubscription subscription, CancellationToken cancellationToken)
    {
        var offering = SampleCity.Offering(subscription.OfferingId);
        var contract = await marketplace.RequestContractAsync(
            keys[subscription.BuyerId], offering.Id, subscription.Purpose, cancellationToken);
        if (contract.Is("Requested") && offering.ProviderApproves)
        {
            var providerKey = keys[SampleCity.Dataset(offering.DatasetId).ProviderId];
            contract = await marketplace.ApproveContractAsync(providerKey, contract.Id, cancellationToken);
        }

        output.WriteLine(
            $"  contract {contract.Id}: {subscription.BuyerId} → {offering.Id} for {subscription.Purpose}, {contract.Status}");
    }

    private void WriteKeyTable(string operatorKey, IReadOnlyDictionary<string, string> keys)
    {
        // Names go last: their width in a terminal is not their length in chars, so they would break the columns.
        var rows = SampleCity.Parties
            .Select(p => (Party: p.Id, Role: p.Role.ToString().ToLowerInvariant(), Variable: p.KeyVariable, Key: keys[p.Id], p.Name))
            .Prepend((Party: "(operator)", Role: "operator", Variable: SampleCity.OperatorKeyVariable, Key: operatorKey, Name: ""))
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
