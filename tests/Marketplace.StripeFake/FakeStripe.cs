using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Marketplace.StripeFake;

/// <summary>
/// A stateful fake of exactly the Stripe endpoints the payments adapter calls, served by a real Kestrel on
/// 127.0.0.1. Point Stripe.net's ApiBase and MeterEventsBase at <see cref="BaseUrl"/>. It honours Idempotency-Key
/// (same key and body: the same answer; same key, other body: 400 idempotency_error), meter event identifiers
/// (a repeat is accepted and not counted) and Stripe's 35-day / 5-minute timestamp window, taxes each line and
/// rounds half away from zero, and lets a test inject faults and send signed webhooks.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string ApiKey = "sk_test_fake";
    public const string DefaultWebhookSecret = "whsec_fake_endpoint_secret";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    private readonly WebApplication app;
    private readonly FakeStripeState state;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Answer> idempotent = new(StringComparer.Ordinal);
    private readonly HashSet<string> inFlight = new(StringComparer.Ordinal);
    private readonly List<FakeRequest> requests = [];
    private readonly HttpClient webhookClient = new();
    private int failCount;
    private int failStatus;
    private TimeSpan? failRetryAfter;
    private string? failPathEnd;
    private TimeSpan? delayNext;
    private TaskCompletionSource? delayedDone;

    private FakeStripe(WebApplication app, FakeStripeState state, TimeProvider time, string webhookSecret)
    {
        this.app = app;
        this.state = state;
        this.time = time;
        WebhookSecret = webhookSecret;
    }

    /// http://127.0.0.1:{port} — no trailing slash, as Stripe.net expects for ApiBase.
    public string BaseUrl { get; private set; } = "";

    public string WebhookSecret { get; }

    public static async Task<FakeStripe> StartAsync(TimeProvider? time = null, string webhookSecret = DefaultWebhookSecret, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeStripe(app, new FakeStripeState(time), time, webhookSecret);
        app.Run(fake.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.TrimEnd('/');
        return fake;
    }

    // ---- faults

    /// The next <paramref name="count"/> requests (whose path ends with <paramref name="pathEndsWith"/>, when given) answer
    /// <paramref name="status"/> before doing anything; a 429 carries Retry-After (1 s unless given).
    public void FailNext(int count, int status, TimeSpan? retryAfter = null, string? pathEndsWith = null)
    {
        lock (gate)
        {
            failCount = count;
            failStatus = status;
            failRetryAfter = retryAfter ?? (status == 429 ? TimeSpan.FromSeconds(1) : null);
            failPathEnd = pathEndsWith;
        }
    }

    /// The next request waits this long (real time) before it is handled — and is then handled, as when Stripe finishes
    /// a request whose client gave up. The task completes once that request has been answered, so a test can await it instead of sleeping.
    public Task DelayNext(TimeSpan delay)
    {
        lock (gate)
        {
            delayNext = delay;
            delayedDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return delayedDone.Task;
        }
    }

    /// Meter events are answered 200 and their identifiers remembered, but not counted: usage Stripe lost.
    public void DropMeterEvents(bool drop) => state.DropMeterEvents(drop);

    /// The next counted meter event is counted twice: drift at Stripe.
    public void DuplicateNextMeterEvent() => state.DuplicateNextMeterEvent();

    /// The buyer paid: the invoice becomes "paid" with a charge id.
    public FakeInvoice MarkInvoicePaid(string stripeInvoiceId) => state.MarkInvoicePaid(stripeInvoiceId);

    // ---- views

    public IReadOnlyList<FakeCustomer> Customers => state.Customers();

    public IReadOnlyList<FakeProduct> Products => state.Products();

    public IReadOnlyList<FakeTaxRate> TaxRates => state.TaxRates();

    public IReadOnlyList<FakeMeter> Meters => state.Meters();

    /// Counted events only (dropped and repeated ones are absent; a duplicated one appears twice).
    public IReadOnlyList<FakeMeterEvent> MeterEvents => state.MeterEvents();

    public IReadOnlyList<FakeMeterDayTotal> MeterTotals => state.MeterTotals();

    public IReadOnlyList<FakeInvoice> Invoices => state.Invoices();

    public IReadOnlyList<FakeCreditNote> CreditNotes => state.CreditNotes();

    public IReadOnlyList<FakeTransfer> Transfers => state.Transfers();

    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToList();
            }
        }
    }

    /// The invoice as Stripe renders it (the data.object of invoice.* events).
    public object InvoiceObject(string stripeInvoiceId) => state.InvoiceObject(stripeInvoiceId);

    // ---- webhooks

    /// A Stripe-shaped event around <paramref name="dataObject"/>, signed as Stripe signs it (at <paramref name="signedAt"/>,
    /// default now by the fake's clock, with the endpoint secret unless overridden); <paramref name="tamper"/> alters the body after signing.
    public (string Json, string SignatureHeader) SignWebhook(string type, object dataObject, DateTimeOffset? signedAt = null, string? secretOverride = null, bool tamper = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(dataObject);
        var now = time.GetUtcNow();
        var envelope = new Dictionary<string, object?>
        {
            ["id"] = state.NextEventId(),
            ["object"] = "event",
            ["api_version"] = StripeConfiguration.ApiVersion,
            ["created"] = now.ToUnixTimeSeconds(),
            ["data"] = new Dictionary<string, object?> { ["object"] = dataObject },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new Dictionary<string, object?> { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        var json = JsonSerializer.Serialize(envelope, Json);
        var header = EventUtility.GenerateSignatureHeader(json, secretOverride ?? WebhookSecret, (signedAt ?? now).ToUnixTimeSeconds());
        if (tamper)
        {
            json = json[..^1] + ",\"tampered\":true}";
        }

        return (json, header);
    }

    /// POSTs a signed event to <paramref name="target"/> as Stripe delivers webhooks; returns the receiver's status.
    public async Task<HttpStatusCode> SendWebhookAsync(Uri target, string type, object dataObject, DateTimeOffset? signedAt = null, string? secretOverride = null, bool tamper = false, CancellationToken ct = default)
    {
        var (json, header) = SignWebhook(type, dataObject, signedAt, secretOverride, tamper);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        using var response = await webhookClient.SendAsync(request, ct);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        webhookClient.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    // ---- the server

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
        var key = request.Headers["Idempotency-Key"].FirstOrDefault();
        var method = request.Method;
        var path = request.Path.Value ?? "/";

        TaskCompletionSource? delayed = null;
        var answer = await AnswerAsync(http, method, path, body, key, d => delayed = d);
        lock (gate)
        {
            requests.Add(new FakeRequest(method, path, key, method == "GET" ? request.QueryString.Value ?? "" : body, answer.Status, answer.Replayed));
        }

        delayed?.TrySetResult();

        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json";
        if (answer.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        if (key is not null)
        {
            http.Response.Headers["Idempotency-Key"] = key;
        }

        await http.Response.WriteAsync(answer.Json);
    }

    private async Task<Answer> AnswerAsync(HttpContext http, string method, string path, string body, string? key, Action<TaskCompletionSource> onDelayed)
    {
        if (http.Request.Headers.Authorization.FirstOrDefault() is not { } auth || !auth.StartsWith("Bearer sk_test_", StringComparison.Ordinal))
        {
            return Error(new FakeStripeError(401, "invalid_request_error", null, "Invalid API Key provided (this fake accepts test-mode secret keys only)."));
        }

        TimeSpan? delay;
        lock (gate)
        {
            if (failCount > 0 && (failPathEnd is null || path.EndsWith(failPathEnd, StringComparison.Ordinal)))
            {
                failCount--;
                var error = new FakeStripeError(failStatus, failStatus == 429 ? "invalid_request_error" : "api_error", failStatus == 429 ? "rate_limit" : null, $"Injected failure {failStatus}.");
                return Error(error) with { RetryAfter = failRetryAfter };
            }

            delay = delayNext;
            delayNext = null;
            if (delay is not null && delayedDone is not null)
            {
                onDelayed(delayedDone);
                delayedDone = null;
            }
        }

        if (delay is { } wait)
        {
            // The work is still done after the wait, as when Stripe finishes a request whose client gave up.
            await Task.Delay(wait, CancellationToken.None);
        }

        if (method != "POST" || key is null)
        {
            return Execute(method, path, body, http.Request.QueryString.Value ?? "");
        }

        var fingerprint = method + " " + path + "\n" + body;
        lock (gate)
        {
            if (idempotent.TryGetValue(key, out var earlier))
            {
                return earlier.Fingerprint == fingerprint
                    ? earlier with { Replayed = true }
                    : Error(new FakeStripeError(400, "idempotency_error", null,
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
            }

            if (!inFlight.Add(key))
            {
                return Error(new FakeStripeError(409, "idempotency_error", "idempotency_key_in_use",
                    "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through)."));
            }
        }

        var answer = Execute(method, path, body, "") with { Fingerprint = fingerprint };
        lock (gate)
        {
            inFlight.Remove(key);
            // Stripe keeps the answer once the endpoint ran, except for refused parameters.
            if (answer.Status is < 400 or >= 500)
            {
                idempotent[key] = answer;
            }
        }

        return answer;
    }

    private Answer Execute(string method, string path, string body, string query)
    {
        try
        {
            var form = StripeForm.Parse(method == "GET" ? query : body);
            var segments = path.Trim('/').Split('/');
            object result = (method, segments) switch
            {
                ("POST", ["v1", "customers"]) => state.CreateCustomer(form),
                ("POST", ["v1", "products"]) => state.CreateProduct(form),
                ("POST", ["v1", "tax_rates"]) => state.CreateTaxRate(form),
                ("GET", ["v1", "tax_rates"]) => state.ListTaxRates(form),
                ("POST", ["v1", "billing", "meters"]) => state.CreateMeter(form),
                ("GET", ["v1", "billing", "meters"]) => state.ListMeters(form),
                ("GET", ["v1", "billing", "meters", var meter, "event_summaries"]) => state.ListEventSummaries(meter, form),
                ("POST", ["v1", "billing", "meter_events"]) => state.CreateMeterEvent(form),
                ("POST", ["v1", "invoiceitems"]) => state.CreateInvoiceItem(form),
                ("POST", ["v1", "invoices"]) => state.CreateInvoice(form),
                ("GET", ["v1", "invoices"]) => state.ListInvoices(form),
                ("GET", ["v1", "invoices", var invoice]) => state.GetInvoice(invoice),
                ("GET", ["v1", "invoices", var invoice, "lines"]) => state.ListInvoiceLines(invoice, form),
                ("POST", ["v1", "invoices", var invoice, "finalize"]) => state.FinalizeInvoice(invoice),
                ("POST", ["v1", "credit_notes"]) => state.CreateCreditNote(form),
                ("POST", ["v1", "transfers"]) => state.CreateTransfer(form),
                _ => throw new FakeStripeError(404, "invalid_request_error", null, $"Unrecognized request URL ({method}: {path}). This fake serves only the endpoints the adapter calls."),
            };
            return new Answer(200, JsonSerializer.Serialize(result, Json));
        }
        catch (FakeStripeError e)
        {
            return Error(e);
        }
    }

    private static Answer Error(FakeStripeError e) => new(e.Status, JsonSerializer.Serialize(e.Body, Json));

    private sealed record Answer(int Status, string Json, bool Replayed = false, TimeSpan? RetryAfter = null, string? Fingerprint = null);
}
