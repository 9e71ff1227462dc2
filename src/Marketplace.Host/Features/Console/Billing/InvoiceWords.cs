using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Web;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.Console.Billing;

/// <summary>An invoice's words in the reader's language, the same on its page and in its PDF.</summary>
public sealed class InvoiceWords(IStringLocalizer<BillingText> text, IStringLocalizer<Text> shared)
{
    public string Title(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Kind == InvoiceKind.CreditNote ? text["Invoice.CreditNoteTitle"] : text["Invoice.Title"];
    }

    public string Line(Invoice invoice, InvoiceLine line)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(line);
        return line.Kind switch
        {
            InvoiceLineKind.Usage => text["Line.Usage", invoice.OfferingTitle],
            InvoiceLineKind.FlatFee => text["Line.FlatFee", invoice.OfferingTitle],
            InvoiceLineKind.Adjustment => text["Line.Adjustment", line.UsagePeriod],
            InvoiceLineKind.ConnectionFee => text["Line.ConnectionFee"],
            _ => text["Line.TaxRounding"],
        };
    }

    /// <summary>Who receives a share of the total: the provider, the marketplace's fees, or the people whose records were used.</summary>
    public string Share(Invoice invoice, RevenueShare share)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(share);
        return share.Kind switch
        {
            ShareKind.Provider => text["Share.Provider", invoice.Provider.Name],
            ShareKind.PlatformFee => text["Share.PlatformFee"],
            ShareKind.ConnectionFee => text["Share.ConnectionFee"],
            _ => text["Share.DataSubjects", Rate(invoice.DataSubjectShareBasisPoints), invoice.Provider.Name],
        };
    }

    public string Quantity(InvoiceLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Kind switch
        {
            InvoiceLineKind.ConnectionFee => text["Invoice.OneMonth"],
            InvoiceLineKind.TaxRounding => "",
            _ => shared[$"Unit.{line.Unit}.Many", line.Quantity],
        };
    }

    /// <summary>The qualified-invoice statement of <see cref="Features.Billing.BillingWire.QualifiedNote"/>, in the reader's language.</summary>
    public string QualifiedNote(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Standing switch
        {
            QualifiedInvoiceStanding.Qualified => text["Note.Qualified", invoice.Issuer.Name, invoice.Issuer.Registration ?? "", invoice.Provider.Name, invoice.Provider.Registration ?? ""],
            QualifiedInvoiceStanding.IssuerNotRegistered => text["Note.IssuerUnregistered"],
            _ => text["Note.ProviderUnregistered", invoice.Provider.Name],
        };
    }

    public static string Rate(int basisPoints) => Features.Billing.BillingWire.RatePercent(basisPoints);

    public static string Money(Invoice invoice, long minor)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return Formats.Money(minor, invoice.Currency);
    }
}
