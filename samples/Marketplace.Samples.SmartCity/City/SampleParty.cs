namespace Marketplace.Samples.SmartCity.City;

public enum PartyRole
{
    Provider,
    Buyer,

    /// <summary>Holds personal data in trust for its subjects; a provider to the marketplace before that role exists.</summary>
    InformationBank,
}

/// <param name="KeyVariable">The shell variable the demo keys file exports this party's API key as.</param>
public sealed record SampleParty(string Id, PartyRole Role, string Name, string KeyVariable);
