namespace Marketplace.Client;

/// <summary>Party roles as the API spells them.</summary>
public static class PartyRoles
{
    public const string Operator = "operator";
    public const string Provider = "provider";
    public const string Buyer = "buyer";
    public const string InformationBank = "information-bank";
}

public sealed record CreatePartyRequest(string Id, string Role, string Name);

/// <summary>A party; <see cref="Status"/> is "active" or "suspended" (then with the operator's reason).</summary>
public sealed record Party(string Id, string Role, string Name, DateTimeOffset CreatedAt, string Status = "active", string? SuspensionReason = null);

/// <summary>A newly registered party with its first API key, which the marketplace shows only this once.</summary>
public sealed record PartyWithKey(string Id, string Role, string Name, string ApiKey);

/// <summary>A page of parties; <see cref="Next"/> is the cursor of the next page, null on the last.</summary>
public sealed record PartyList(IReadOnlyList<Party> Items, string? Next = null);

public sealed record ApiKeyIssued(string PartyId, string ApiKey);

public sealed record EnrolPersonRequest(string SignIn, string DisplayName);

/// <summary>A person who signs in for a party to the web front end.</summary>
public sealed record Person(string SignIn, string DisplayName, DateTimeOffset AddedAt, bool Disabled);

public sealed record PersonList(IReadOnlyList<Person> Items);

/// <summary>A person just enrolled (or reset) with the one-time password to hand over, shown only this once.</summary>
public sealed record PersonWithPassword(string PartyId, string SignIn, string DisplayName, string OneTimePassword);
