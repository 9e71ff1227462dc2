using System.Globalization;
using Marketplace.Application.Access;
using System.Text.Json;
using Marketplace.Application.Consent;
using Marketplace.Application.Consent.Receipts;
using Marketplace.Billing.Subjects;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Host.Features.Consent;

/// <summary>A data subject's own API: consents, receipts, who received their data, statistics and deletion.</summary>
public static class SubjectEndpoints
{
    public static IEndpointRouteBuilder MapSubjectEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/subjects/me").WithTags("Data subjects").RequireAuthorization(Policies.DataSubject);
        me.MapGet("/", Profile).WithName("GetMySubjectProfile")
            .WithSummary("Who you are at your information bank: your subject id, whether you left statistics, and any deletion request.");
        me.MapGet("/consents", List).WithName("ListMyConsents")
            .WithSummary("Your consent records (ISO/IEC TS 27560), newest first, each with its status now (active, withdrawn, expired) and every event.");
        me.MapPost("/consents", Give).WithName("GiveConsent")
            .WithSummary("Give a consent under a notice you read (noticeId and the noticeVersion you read): items, purposes, recipients (buyers by id, classes), expiry. "
                + "Send an Idempotency-Key to make a retry give it once.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        me.MapGet("/consents/{id}", Get).WithName("GetMyConsent").WithSummary("One of your consent records.").ProducesProblem(404);
        me.MapPut("/consents/{id}", Change).WithName("ChangeConsent")
            .WithSummary("Change a consent in force (its notice's current version applies: a purpose or recipient it adds is fresh consent). A narrowing holds from the next access.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        me.MapPost("/consents/{id}/withdraw", Withdraw).WithName("WithdrawConsent")
            .WithSummary("Withdraw a consent: from the next access no buyer receives your records under it, also under contracts already running.")
            .ProducesProblem(404);
        me.MapGet("/receipts", Receipts).WithName("ListMyReceipts")
            .WithSummary("The receipt of every consent event, newest first: a JWS (ES256) over the record, verifiable with /.well-known/jwks.json.");
        me.MapGet("/receipts/{id}", Receipt).WithName("GetMyReceipt")
            .WithSummary("One receipt: the consent record at the receipt's version (ISO/IEC TS 27560) and its JWS.").ProducesProblem(404);
        me.MapGet("/receipts/{id}/kantara", Kantara).WithName("GetMyKantaraReceipt")
            .WithSummary("One receipt as a Kantara Consent Receipt 1.1 JSON document, for tools that read that format (a download).").ProducesProblem(404);
        me.MapGet("/provisions", Provisions).WithName("ListMyProvisions")
            .WithSummary("Who received your records: buyer, contract, purpose, consent, data items, how many records and when; newest first, a page at a time (before, pageSize 1-200).")
            .ProducesProblem(400);
        me.MapGet("/earnings", Earnings).WithName("ListMyEarnings")
            .WithSummary("What your data earned you: your part of the people's share of each invoice on personal data, per billing period, newest first.");
        me.MapPut("/statistics", Statistics).WithName("SetStatisticsOptOut")
            .WithSummary("Leave (optOut: true) or rejoin (false) every aggregate statistic from the next query on.").ProducesProblem(400);
        me.MapPost("/deletion-request", Delete).WithName("RequestMyDeletion")
            .WithSummary("Ask your bank to delete your data: every consent is withdrawn at once and your records are removed from every stored revision. Asking again finishes a removal that stopped.");
        return app;
    }

    private static async Task<Ok<SubjectResponse>> Profile(HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok((await consents.ProfileAsync(http.User.Caller())).ToResponse());

    private static async Task<Ok<ConsentListResponse>> List(HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok(new ConsentListResponse([.. (await consents.ListAsync(http.User.Caller())).Select(v => v.ToResponse())]));

    private static async Task<Created<ConsentResponse>> Give(ConsentRequest request, HttpContext http, SubjectConsents consents)
    {
        var key = AccessBroker.CheckIdempotencyKey(http.Request.Headers["Idempotency-Key"]);
        var view = await consents.GiveAsync(http.User.Caller(), request.ToChoice(), key);
        return TypedResults.Created($"/api/v1/subjects/me/consents/{view.Record.RecordId}", view.ToResponse());
    }

    private static async Task<Ok<ConsentResponse>> Get(string id, HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok((await consents.GetAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Ok<ConsentResponse>> Change(string id, ConsentRequest request, HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok((await consents.ChangeAsync(http.User.Caller(), id, request.ToChoice())).ToResponse());

    private static async Task<Ok<ConsentResponse>> Withdraw(string id, HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok((await consents.WithdrawAsync(http.User.Caller(), id)).ToResponse());

    private static async Task<Ok<ReceiptListResponse>> Receipts(HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok(new ReceiptListResponse([.. (await consents.ReceiptsAsync(http.User.Caller())).Select(r => r.ToResponse())]));

    private static async Task<Ok<ReceiptDocumentResponse>> Receipt(string id, HttpContext http, SubjectConsents consents)
    {
        var (receipt, record) = await consents.ReceiptAsync(http.User.Caller(), id);
        var document = ConsentRecordDocument.Of(record.Record, record.Notice, receipt);
        return TypedResults.Ok(new ReceiptDocumentResponse(receipt.ToResponse(), JsonDocument.Parse(document.ToUtf8Json()).RootElement));
    }

    private static async Task<IResult> Kantara(string id, HttpContext http, SubjectConsents consents)
    {
        var (receipt, record) = await consents.ReceiptAsync(http.User.Caller(), id);
        var kantara = KantaraReceipt.ToJson(KantaraReceipt.Export(record.Record, record.Notice, receipt));
        return Results.File(System.Text.Encoding.UTF8.GetBytes(kantara), "application/json", $"{receipt.ReceiptId}.kantara.json");
    }

    private static async Task<Ok<ProvisionListResponse>> Provisions(string? before, string? pageSize, HttpContext http, SubjectConsents consents)
    {
        var size = ParsePageSize(pageSize);
        var items = await consents.ProvisionsAsync(http.User.Caller(), ProvisionCursor.Decode(before), size, http.RequestAborted);
        var next = items.Count == size ? ProvisionCursor.Encode(items[^1].At, items[^1].EventId) : null;
        return TypedResults.Ok(new ProvisionListResponse([.. items.Select(p => p.ToResponse())], next));
    }

    private static async Task<Ok<EarningsListResponse>> Earnings(HttpContext http, SubjectConsents consents, SubjectEarningsQueries earnings)
    {
        var me = await consents.ProfileAsync(http.User.Caller());
        var periods = await earnings.ListAsync(me.BankId, me.SubjectId, http.RequestAborted);
        return TypedResults.Ok(new EarningsListResponse([.. periods.Select(p => new EarningsResponse(p.Period, p.AmountMinor, p.Currency, p.Contracts, p.Buyers, p.Records, p.Counted))]));
    }

    private static async Task<Ok<SubjectResponse>> Statistics(StatisticsRequest request, HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok((await consents.SetStatisticsOptOutAsync(http.User.Caller(),
            request.OptOut ?? throw new DomainException(DomainErrorCode.InvalidField("optOut"), "Send { \"optOut\": true } to leave statistics, false to rejoin."))).ToResponse());

    private static async Task<Ok<SubjectResponse>> Delete(HttpContext http, SubjectConsents consents) =>
        TypedResults.Ok((await consents.RequestDeletionAsync(http.User.Caller(), http.RequestAborted)).ToResponse());

    private static int ParsePageSize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 50;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= SubjectConsents.MaxProvisionPage
            ? size
            : throw new DomainException(DomainErrorCode.InvalidField("pageSize"), $"'pageSize' is a whole number from 1 to {SubjectConsents.MaxProvisionPage}.");
    }
}

/// <summary>Where a page of provisions continues: the time and event id of the last one seen, as opaque text.</summary>
public static class ProvisionCursor
{
    public static string Encode(DateTimeOffset at, string eventId) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks}|{eventId}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTimeOffset At, string EventId)? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (cursor.Length <= 400 && bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
            }
        }
        catch (FormatException)
        {
        }
        throw new DomainException(DomainErrorCode.InvalidField("before"), "'before' is not a cursor from this list; start again without it.");
    }
}
