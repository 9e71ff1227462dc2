namespace Marketplace.Host.Features.Console.Partners;

/// <summary>The strings of the operator's partner-city pages (<c>PartnerText.resx</c>, <c>PartnerText.ja.resx</c>).</summary>
public sealed class PartnerText;

/// <summary>Where the partner-city pages live.</summary>
public static class PartnerPaths
{
    public const string Partners = "/console/operator/partners";

    public static string Reconciliation(string partnerId, string relayId, string? period = null) =>
        $"{Partners}/{Uri.EscapeDataString(partnerId)}/relays/{Uri.EscapeDataString(relayId)}" + (period is null ? "" : $"?period={Uri.EscapeDataString(period)}");
}
