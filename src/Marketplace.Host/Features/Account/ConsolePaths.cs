using Marketplace.Grains;

namespace Marketplace.Host.Features.Account;

/// <summary>Where each kind of account works: its console, the page a sign-in lands on.</summary>
public static class ConsolePaths
{
    public const string Buyer = "/console/buyer";
    public const string Provider = "/console/provider";
    public const string Operator = "/console/operator";

    /// <summary>An information bank works where providers do: it lists (personal) datasets and offerings; a data subject has their portal.</summary>
    public static string For(PartyRole role) => role switch
    {
        PartyRole.Buyer => Buyer,
        PartyRole.Operator => Operator,
        PartyRole.DataSubject => SubjectPortal.SubjectPaths.Home,
        _ => Provider,
    };
}
