namespace Marketplace.Host.Features.BankConsole;

/// <summary>The strings of the information bank's console and of what buyers see of consent (<c>BankConsoleText.resx</c>, <c>BankConsoleText.ja.resx</c>).</summary>
public sealed class BankConsoleText;

/// <summary>The addresses of the information bank's pages, and the buyer's certifications page.</summary>
public static class BankPaths
{
    public const string People = "/console/bank/people";
    public const string Notices = "/console/bank/notices";
    public const string Publish = "/console/bank/notices/publish";
    public const string Reviews = "/console/bank/reviews";
    public const string Counts = "/console/bank/counts";
    public const string Certifications = "/console/certifications";

    public static string Notice(string id) => $"{Notices}/{Uri.EscapeDataString(id)}";

    public static string NewVersion(string id) => $"{Publish}?from={Uri.EscapeDataString(id)}";
}
