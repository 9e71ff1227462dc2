namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>The addresses of the provider console's pages.</summary>
public static class ProviderPaths
{
    public const string Home = "/console/provider";
    public const string Requests = "/console/provider/requests";
    public const string NewOffering = "/console/provider/offerings/new";

    public static string Dataset(string id) => $"/console/provider/datasets/{Uri.EscapeDataString(id)}";

    /// <summary>The dataset's City OS feed (NGSI-LD).</summary>
    public static string Feed(string id) => $"/console/provider/datasets/{Uri.EscapeDataString(id)}/ngsi-ld";

    public static string Offering(string id) => $"/console/provider/offerings/{Uri.EscapeDataString(id)}";
}
