using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Application.Consent.Receipts;

/// <summary>
/// How the information bank appears as PII controller in a Kantara receipt (name, contact, postal country, e-mail,
/// phone, web address). Without it the receipt names the bank by its id and the notice's contact.
/// </summary>
public sealed record KantaraController(string Name, string Contact, string Email, string Phone, string Country, Uri? Url);

/// <summary>
/// The same consent receipt in the Kantara Initiative Consent Receipt Specification 1.1 (version "KI-CR-v1.1.0"), for
/// tools that read that format: header (jurisdiction, consent time in epoch seconds, collection method, receipt id,
/// language), the person, the controller, the policy (the notice), one service (the consent's scope) with a purpose
/// per consented purpose (explicit consent, the data items as PII categories, how it ends, who else receives it), and
/// whether sensitive data is covered. Unsigned: the signed form is the JWS.
/// </summary>
public static class KantaraReceipt
{
    public const string SpecVersion = "KI-CR-v1.1.0";

    /// <summary>The Kantara receipt of <paramref name="receipt"/> (see <see cref="ConsentRecordDocument.Of"/> for which version of the record it describes).</summary>
    public static JsonObject Export(ConsentRecord record, ConsentNotice notice, ConsentReceipt receipt, KantaraController? controller = null, Uri? policyUrl = null) =>
        Export(ConsentRecordDocument.Of(record, notice, receipt), controller, policyUrl);

    public static JsonObject Export(ConsentRecordDocument document, KantaraController? controller = null, Uri? policyUrl = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var at = document.Events.LastOrDefault(e => e.Version == document.Version) ?? document.Events[^1];
        var bank = document.PiiControllers[0];
        var receipt = new JsonObject
        {
            ["version"] = SpecVersion,
            ["jurisdiction"] = document.Jurisdiction,
            ["consentTimestamp"] = at.Time.ToUnixTimeSeconds(),
            ["collectionMethod"] = CollectionMethod(at),
            ["consentReceiptID"] = document.ReceiptId,
            ["language"] = document.Language,
            ["piiPrincipalId"] = document.PiiPrincipalId,
            ["piiControllers"] = new JsonArray(Controller(controller, bank)),
            ["policyUrl"] = (policyUrl ?? NoticeUrn(bank.Id, document.Notice)).ToString(),
            ["services"] = new JsonArray(new JsonObject
            {
                ["service"] = $"{document.Notice.Title} ({document.Scope})",
                ["purposes"] = new JsonArray([.. document.Purposes.Select((purpose, i) => Purpose(document, purpose, primary: i == 0))]),
            }),
            ["sensitive"] = document.Sensitive,
            ["spiCat"] = new JsonArray([.. SensitiveCategories(document).Select(c => JsonValue.Create(c))]),
        };
        return receipt;
    }

    public static string ToJson(JsonObject receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return receipt.ToJsonString(new JsonSerializerOptions(ConsentRecordDocument.Json) { WriteIndented = true });
    }

    /// <summary>The notice as a URN when the bank publishes no policy page: it names the exact version the person was shown.</summary>
    public static Uri NoticeUrn(string bankId, ReceiptNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new Uri(string.Create(CultureInfo.InvariantCulture,
            $"urn:marketplace:notice:{Uri.EscapeDataString(bankId)}:{Uri.EscapeDataString(notice.Id)}:{notice.Version}"));
    }

    private static string CollectionMethod(ReceiptEvent at) => at.Actor switch
    {
        "subject" => $"{Describe(at.Type)} by the person in the information bank's subject portal or API, after being shown the notice",
        "information-bank" => $"{Describe(at.Type)} by the information bank on the person's request",
        _ => $"{Describe(at.Type)} by the marketplace",
    };

    private static string Describe(string eventType) => eventType switch
    {
        "given" => "Given",
        "changed" => "Changed",
        "withdrawn" => "Withdrawn",
        "expired" => "Expired",
        _ => eventType,
    };

    private static JsonObject Controller(KantaraController? controller, ReceiptController bank)
    {
        if (controller is null)
        {
            return new JsonObject
            {
                ["piiController"] = bank.Id,
                ["onBehalf"] = false,
                ["contact"] = bank.Contact,
                ["address"] = new JsonObject { ["addressCountry"] = ConsentRecordDocument.JurisdictionJapan },
                ["email"] = bank.Contact.Contains('@', StringComparison.Ordinal) ? bank.Contact : "",
                ["phone"] = "",
            };
        }
        var named = new JsonObject
        {
            ["piiController"] = controller.Name,
            ["onBehalf"] = false,
            ["contact"] = controller.Contact,
            ["address"] = new JsonObject { ["addressCountry"] = controller.Country },
            ["email"] = controller.Email,
            ["phone"] = controller.Phone,
        };
        if (controller.Url is not null)
        {
            named["piiControllerUrl"] = controller.Url.ToString();
        }
        return named;
    }

    private static JsonObject Purpose(ConsentRecordDocument document, string purpose, bool primary)
    {
        IReadOnlyList<string> items = document.AllItemsOfScope && document.DataItems.Count == 0 ? ["every data item of " + document.Scope] : document.DataItems;
        var recipients = document.Recipients
            .Select(r => r.Country is null || r.Country == ConsentRecordDocument.JurisdictionJapan
                ? r.Name
                : $"{r.Name} ({r.Country}; {r.PrivacyRegime})")
            .ToList();
        return new JsonObject
        {
            ["purpose"] = purpose,
            ["purposeCategory"] = new JsonArray(purpose),
            ["consentType"] = "EXPLICIT",
            ["piiCategory"] = new JsonArray([.. items.Select(i => JsonValue.Create(i))]),
            ["primaryPurpose"] = primary,
            ["termination"] = string.Create(CultureInfo.InvariantCulture,
                $"Ends on {document.ExpiresAt:yyyy-MM-dd'T'HH:mm:ssK} or when withdrawn: {document.WithdrawalMethod}. Kept {document.RetentionDays} days at {document.StorageLocation}."),
            ["thirdPartyDisclosure"] = recipients.Count > 0,
            ["thirdPartyName"] = string.Join("; ", recipients),
        };
    }

    /// <summary>The sensitive categories covered (要配慮個人情報): the consent's category, or the dataset's items when the scope is one dataset.</summary>
    private static IEnumerable<string> SensitiveCategories(ConsentRecordDocument document)
    {
        if (!document.Sensitive)
        {
            return [];
        }
        const string category = "category:";
        return document.Scope.StartsWith(category, StringComparison.Ordinal)
            ? [document.Scope[category.Length..]]
            : ["special-care-required personal information of " + document.Scope];
    }
}
