using System.Text;

namespace Marketplace.Domain;

/// <summary>
/// A qualified-invoice issuer's registration number (適格請求書発行事業者登録番号): "T" followed by 13 digits.
/// Full-width characters and hyphens or spaces as people type them are accepted and normalised.
/// </summary>
public static class InvoiceRegistrationNumber
{
    public static string Parse(string? text)
    {
        var normalised = new StringBuilder(14);
        foreach (var c in (text ?? "").Normalize(NormalizationForm.FormKC))
        {
            if (c is '-' or ' ' or '\u2010' or '\u2212')
            {
                continue;
            }
            normalised.Append(c is 't' ? 'T' : c);
        }
        var value = normalised.ToString();
        if (value.Length != 14 || value[0] != 'T' || !value.AsSpan(1).ContainsOnlyDigits())
        {
            throw new DomainException(ErrorCodes.InvoiceRegistrationInvalid,
                $"'{Bounded(text)}' is not a qualified-invoice registration number. Give 'T' followed by the 13 digits on your notice of registration, e.g. T1234567890123.");
        }
        return value;
    }

    private static string Bounded(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }
}
