using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.Console.Billing;

/// <summary>The strings of the billing pages: periods, invoices, statements, billing profiles (<c>BillingText.resx</c>, <c>BillingText.ja.resx</c>).</summary>
public sealed class BillingText;

/// <summary>Where the billing pages live.</summary>
public static class BillingPaths
{
    public const string Operator = "/console/operator/billing";
    public const string BuyerInvoices = "/console/buyer/invoices";
    public const string ProviderStatements = "/console/provider/statements";
    public const string Profile = "/console/billing-profile";

    public static string Period(string period) => $"{Operator}/{Uri.EscapeDataString(period)}";

    public static string Invoice(string id) => $"/invoices/{Uri.EscapeDataString(id)}";

    public static string Statements(string period) => $"{ProviderStatements}?period={Uri.EscapeDataString(period)}";
}

/// <summary>
/// A billing refusal in the reader's language: the services' own words are the API's (English), so those a person
/// meets on these pages are said again here; any other keeps the service's words.
/// </summary>
public static class BillingRefusals
{
    private static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ErrorCodes.InvoiceRegistrationInvalid.Value] = "Error.Registration",
        [ErrorCodes.BillingPayoutAccountInvalid.Value] = "Error.PayoutAccount",
        [ErrorCodes.BillingServiceAppByOperator.Value] = "Error.ServiceApp",
    };

    public static string Say(DomainException refusal, IStringLocalizer<BillingText> text)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(text);
        return Keys.TryGetValue(refusal.Code, out var key) ? text[key] : refusal.Message;
    }
}
