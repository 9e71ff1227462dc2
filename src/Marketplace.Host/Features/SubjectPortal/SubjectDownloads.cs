using System.Globalization;
using System.Text;
using Marketplace.Application;
using Marketplace.Application.Consent;
using Marketplace.Application.Consent.Receipts;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Storage;

namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>
/// The portal's files at page addresses (the session cookie opens them as it opens the pages): a receipt as its
/// JWS and as a Kantara Consent Receipt 1.1, and the record of who received the person's data as CSV.
/// </summary>
public static class SubjectDownloads
{
    /// <summary>Provisions one CSV holds at most: years of a busy person's record, still one small file.</summary>
    public const int MaxCsvRows = 20_000;

    public static IEndpointRouteBuilder MapSubjectPortalDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/me/receipts/{id}/jws", async (string id, HttpContext http, SubjectConsents consents) =>
                await FindAsync(http, consents, id) is var (receipt, _)
                    ? TypedResults.File(Encoding.ASCII.GetBytes(receipt.Jws), "application/jose", $"{receipt.ReceiptId}.jws")
                    : Results.NotFound())
            .WithName("SubjectPortalReceiptJws").ExcludeFromDescription().RequireAuthorization(Policies.DataSubject);
        app.MapGet("/me/receipts/{id}/kantara", async (string id, HttpContext http, SubjectConsents consents) =>
                await FindAsync(http, consents, id) is var (receipt, view)
                    ? TypedResults.File(Encoding.UTF8.GetBytes(KantaraReceipt.ToJson(KantaraReceipt.Export(view.Record, view.Notice, receipt))),
                        "application/json", $"{receipt.ReceiptId}.kantara.json")
                    : Results.NotFound())
            .WithName("SubjectPortalReceiptKantara").ExcludeFromDescription().RequireAuthorization(Policies.DataSubject);
        app.MapGet(SubjectPaths.ProvisionsCsv, async (HttpContext http, SubjectConsents consents) =>
                TypedResults.File(Encoding.UTF8.GetBytes(Csv(await AllAsync(http.User.Caller(), consents, http.RequestAborted))), CsvRows.ContentType, "provisions.csv"))
            .WithName("SubjectPortalProvisionsCsv").ExcludeFromDescription().RequireAuthorization(Policies.DataSubject);
        return app;
    }

    public static string Csv(IReadOnlyList<Provision> provisions)
    {
        ArgumentNullException.ThrowIfNull(provisions);
        var csv = new StringBuilder();
        CsvRows.Append(csv, "at", "buyer_id", "contract_id", "dataset_id", "purpose", "consent_id", "items", "records", "aggregate");
        foreach (var p in provisions)
        {
            CsvRows.Append(csv, p.At.ToString("O", CultureInfo.InvariantCulture), CsvRows.Text(p.BuyerId), p.ContractId, p.DatasetId, p.Purpose,
                p.ConsentRecordId, CsvRows.Text(string.Join(' ', p.Items)), p.Records.ToString(CultureInfo.InvariantCulture), p.Aggregate ? "true" : "false");
        }
        return csv.ToString();
    }

    /// <summary>The person's own receipt, or nothing (another person's receipt is as absent as one that never was).</summary>
    private static async Task<(ConsentReceipt Receipt, ConsentRecordView View)?> FindAsync(HttpContext http, SubjectConsents consents, string id)
    {
        try
        {
            return await consents.ReceiptAsync(http.User.Caller(), id);
        }
        catch (DomainException e) when (e.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }

    private static async Task<List<Provision>> AllAsync(ApiPrincipal subject, SubjectConsents consents, CancellationToken cancellationToken)
    {
        var all = new List<Provision>();
        (DateTimeOffset At, string EventId)? before = null;
        while (all.Count < MaxCsvRows)
        {
            var page = await consents.ProvisionsAsync(subject, before, SubjectConsents.MaxProvisionPage, cancellationToken);
            all.AddRange(page);
            if (page.Count < SubjectConsents.MaxProvisionPage)
            {
                break;
            }
            before = (page[^1].At, page[^1].EventId);
        }
        return all;
    }
}
