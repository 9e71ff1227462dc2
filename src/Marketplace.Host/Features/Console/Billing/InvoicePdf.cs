using Marketplace.Billing.Invoices;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Web;
using Microsoft.Extensions.Localization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Marketplace.Host.Features.Console.Billing;

/// <summary>
/// An invoice as an A4 PDF (PDFsharp, MIT), in the reader's language, with the same words as its page
/// (<see cref="InvoiceWords"/>). Japanese needs a Japanese font embedded: the IPA Gothic font of Debian's
/// <c>fonts-ipafont-gothic</c> (or <see cref="FontPathVariable"/>); without one the PDF answers 503 and the
/// printable page remains.
/// </summary>
public static class InvoicePdf
{
    public const string FontPathVariable = "MARKETPLACE_INVOICE_FONT";

    /// <summary>Whether PDFs can be made here (a Japanese font is installed).</summary>
    public static bool Available => InvoiceFont.Available;

    private const double Margin = 50;
    private static readonly XSize A4 = new(595, 842);

    public static IEndpointRouteBuilder MapInvoicePdf(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/invoices/{id}.pdf", async (string id, HttpContext http, InvoiceQueries invoices, BillingCalendar calendar,
                IStringLocalizer<BillingText> text, IStringLocalizer<Text> shared) =>
            {
                if (!InvoiceFont.Available)
                {
                    // With a body, so that the pages' status handling leaves it as it is.
                    return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No Japanese font for invoice PDFs",
                        detail: $"Install Debian's fonts-ipafont-gothic (or name a TrueType Japanese font in {FontPathVariable}) to make invoice PDFs; the invoice page prints meanwhile.");
                }
                Invoice invoice;
                try
                {
                    // The same call as GET /api/v1/invoices/{id}: its buyer, its provider and the operator, no one else.
                    invoice = await invoices.GetAsync(http.User.Caller(), id);
                }
                catch (DomainException e) when (e.Code == ErrorCodes.InvoiceNotFound.Value)
                {
                    return Results.NotFound();
                }
                var pdf = Render(invoice, new InvoiceWords(text, shared), text, calendar.Zone);
                return Results.File(pdf, "application/pdf", $"{invoice.Id}.pdf");
            })
            .WithName("InvoicePdf").ExcludeFromDescription().RequireAuthorization();
        return app;
    }

    public static byte[] Render(Invoice invoice, InvoiceWords words, IStringLocalizer<BillingText> text, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(text);
        InvoiceFont.Register();
        using var document = new PdfDocument();
        document.Info.Title = $"{words.Title(invoice)} {invoice.Id}";
        document.Info.Author = invoice.Issuer.Name;
        var sheet = new Sheet(document);

        sheet.Write(words.Title(invoice), 20, bold: true);
        sheet.Gap(8);
        sheet.Write(text["Invoice.BuyerName", invoice.Buyer.Name], 13, bold: true);
        sheet.Rule();
        sheet.Gap(6);
        foreach (var (label, value) in new[]
        {
            (text["Invoice.Number"].Value, invoice.Id),
            (text["Invoice.IssueDate"].Value, Formats.Date(invoice.IssuedAt, zone)),
            (text["Invoice.Period"].Value, invoice.Period),
            (text["Invoice.Offering"].Value, invoice.OfferingTitle),
            (text["Invoice.Contract"].Value, invoice.ContractId),
            (text["Invoice.Status"].Value, text["InvoiceStatus." + invoice.Status].Value),
        })
        {
            sheet.Row([(label, 0, false), (value, 110, false)]);
        }
        sheet.Gap(8);
        sheet.Write(invoice.Issuer.Name, 11, bold: true);
        if (invoice.Issuer.Registration is { } issuer)
        {
            sheet.Write(text["Invoice.RegistrationNumber", issuer]);
        }
        sheet.Write(text["Invoice.OnBehalfOf", invoice.Provider.Name]);
        if (invoice.Provider.Registration is { } provider)
        {
            sheet.Write(text["Invoice.ProviderRegistration", provider]);
        }
        sheet.Gap(10);
        var total = invoice.Kind == InvoiceKind.CreditNote ? text["Invoice.TotalCredit"] : text["Invoice.TotalDue"];
        sheet.Write($"{total}  {InvoiceWords.Money(invoice, invoice.TotalMinor)}", 14, bold: true);
        sheet.Rule();
        sheet.Gap(10);

        sheet.Write(text["Invoice.Lines"], 11, bold: true);
        sheet.Row([(text["Column.Number"], 0, false), (text["Column.Item"], 30, false), (text["Column.Quantity"], 380, true),
            (text["Column.TaxRate"], 425, true), (text["Column.Amount"], 495, true)], bold: true);
        foreach (var line in invoice.Lines)
        {
            sheet.Row([(line.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, false), (words.Line(invoice, line), 30, false),
                (words.Quantity(line), 380, true), (InvoiceWords.Rate(line.TaxRateBasisPoints), 425, true), (InvoiceWords.Money(invoice, line.AmountMinor), 495, true)]);
        }
        sheet.Gap(10);
        sheet.Write(text["Invoice.Taxes"], 11, bold: true);
        sheet.Row([(text["Column.Rate"], 0, false), (text["Column.Net"], 380, true), (text["Column.Tax"], 495, true)], bold: true);
        foreach (var tax in invoice.Taxes)
        {
            sheet.Row([(text["Invoice.RateSubject", InvoiceWords.Rate(tax.RateBasisPoints)], 0, false),
                (InvoiceWords.Money(invoice, tax.NetMinor), 380, true), (InvoiceWords.Money(invoice, tax.TaxMinor), 495, true)]);
        }
        sheet.Row([(text["Invoice.Sum"], 0, false), (InvoiceWords.Money(invoice, invoice.NetMinor), 380, true),
            (InvoiceWords.Money(invoice, invoice.TaxMinor), 495, true)], bold: true);
        sheet.Gap(10);
        sheet.Write(text["Invoice.Split"], 11, bold: true);
        sheet.Row([(text["Column.Recipient"], 0, false), (text["Column.Share"], 495, true)], bold: true);
        foreach (var share in invoice.Shares)
        {
            sheet.Row([(words.Share(invoice, share), 0, false), (InvoiceWords.Money(invoice, share.AmountMinor), 495, true)]);
        }
        sheet.Gap(12);
        sheet.Write(words.QualifiedNote(invoice));

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>Pages of A4 written top to bottom; long text wraps by width (Japanese has no spaces to break at).</summary>
    private sealed class Sheet(PdfDocument document)
    {
        private const double Width = 595 - (2 * Margin);
        private XGraphics? _graphics;
        private double _y;

        private XGraphics Graphics => _graphics ??= NewPage();

        public void Gap(double points) => _y += points;

        public void Write(string value, double size = 10, bool bold = false)
        {
            var font = InvoiceFont.Of(size, bold);
            foreach (var line in Wrap(value, font, Width))
            {
                var height = Room(size * 1.5);
                Graphics.DrawString(line, font, XBrushes.Black, new XRect(Margin, _y, Width, height), XStringFormats.TopLeft);
                _y += height;
            }
        }

        public void Rule()
        {
            Graphics.DrawLine(XPens.Black, Margin, _y + 2, Margin + Width, _y + 2);
            _y += 4;
        }

        /// <summary>One line of cells at x offsets; a right-aligned cell ends at its offset, a left-aligned one starts there.</summary>
        public void Row(IReadOnlyList<(string Text, double X, bool Right)> cells, bool bold = false)
        {
            var font = InvoiceFont.Of(9.5, bold);
            var height = Room(9.5 * 1.6);
            foreach (var (value, x, right) in cells)
            {
                if (right)
                {
                    Graphics.DrawString(value, font, XBrushes.Black, new XRect(Margin, _y, x, height), XStringFormats.TopRight);
                }
                else
                {
                    // A long item is shortened on its line: the full words are on the page; amounts are never cut.
                    var fitted = Wrap(value, font, NextLeftWidth(cells, x)).FirstOrDefault() ?? "";
                    Graphics.DrawString(fitted, font, XBrushes.Black, new XRect(Margin + x, _y, Width - x, height), XStringFormats.TopLeft);
                }
            }
            _y += height;
            Graphics.DrawLine(new XPen(XColors.Gray, 0.5), Margin, _y - 2, Margin + Width, _y - 2);
        }

        private static double NextLeftWidth(IReadOnlyList<(string Text, double X, bool Right)> cells, double x)
        {
            var next = cells.Where(c => c.X > x).Select(c => c.Right ? c.X - 60 : c.X).DefaultIfEmpty(Width).Min();
            return Math.Max(40, next - x - 8);
        }

        private double Room(double height)
        {
            if (_y + height > A4.Height - Margin)
            {
                _graphics?.Dispose();
                _graphics = NewPage();
            }
            return height;
        }

        private XGraphics NewPage()
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(A4.Width);
            page.Height = XUnit.FromPoint(A4.Height);
            _y = Margin;
            return XGraphics.FromPdfPage(page);
        }

        private IEnumerable<string> Wrap(string value, XFont font, double width)
        {
            var line = new System.Text.StringBuilder();
            foreach (var rune in value.EnumerateRunes())
            {
                var candidate = line.ToString() + rune.ToString();
                if (line.Length > 0 && Graphics.MeasureString(candidate, font).Width > width)
                {
                    yield return line.ToString();
                    line.Clear();
                }
                line.Append(rune.ToString());
            }
            if (line.Length > 0)
            {
                yield return line.ToString();
            }
        }
    }
}

/// <summary>The one font of invoice PDFs: a Japanese Gothic face embedded as a subset, bold simulated.</summary>
public sealed class InvoiceFont : IFontResolver
{
    private const string Family = "InvoiceGothic";

    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
        "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    ];

    private static readonly Lazy<byte[]?> Face = new(() =>
    {
        var path = new[] { Environment.GetEnvironmentVariable(InvoicePdf.FontPathVariable) }.Concat(Candidates)
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        return path is null ? null : File.ReadAllBytes(path);
    });

    private static readonly Lock Registering = new();

    public static bool Available => Face.Value is not null;

    /// <summary>PDFsharp's resolver is process-wide and set once: every host in the process shares this one.</summary>
    public static void Register()
    {
        lock (Registering)
        {
            if (GlobalFontSettings.FontResolver is not InvoiceFont)
            {
                GlobalFontSettings.FontResolver = new InvoiceFont();
            }
        }
    }

    public static XFont Of(double size, bool bold) =>
        new(Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode));

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(Family, bold, italic);

    public byte[]? GetFont(string faceName) => Face.Value;
}
