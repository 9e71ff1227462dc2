using System.Collections.Concurrent;
using System.Globalization;
using Stripe;
using Stripe.Billing;

namespace Marketplace.Billing.Payments;

/// <summary>
/// <see cref="IPaymentProcessor"/> over Stripe.net. Stripe.net never retries on its own (the outbox does, with
/// backoff and the same idempotency key), and every POST carries an idempotency key derived deterministically
/// from the caller's key, so a repeated call — even one that failed halfway — has one effect.
/// </summary>
public sealed class StripePaymentProcessor : IPaymentProcessor
{
    internal const string InvoiceMetadataKey = "marketplace_invoice";
    internal const string LineMetadataKey = "marketplace_line";
    private const string RateMetadataKey = "marketplace_rate_bp";
    private const string CustomerPayloadKey = "stripe_customer_id";

    private readonly StripeOptions options;
    private readonly TimeProvider time;
    private readonly StripeClient client;
    private readonly ConcurrentDictionary<string, PaymentMeter> meters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> taxRates = new();

    /// <param name="httpClient">Null: one is made with <see cref="StripeOptions.RequestTimeout"/>; a given one keeps its own timeout.</param>
    public StripePaymentProcessor(StripeOptions options, TimeProvider time, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("Stripe is not configured: set Marketplace:Stripe:ApiKey, or use LedgerOnlyPaymentProcessor.");
        }

        this.options = options;
        this.time = time;
        httpClient ??= new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = options.RequestTimeout,
        };
        client = new StripeClient(new StripeClientOptions
        {
            ApiKey = options.ApiKey,
            ApiBase = options.ApiBase,
            MeterEventsBase = options.MeterEventsBase,
            HttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
        });
    }

    public bool IsConfigured => true;

    public bool TransfersEnabled => options.ConnectedAccountsEnabled;

    public Task<string> EnsureCustomerAsync(PaymentCustomer customer, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return Call(async () =>
        {
            var created = await client.V1.Customers.CreateAsync(
                new CustomerCreateOptions
                {
                    Name = customer.Name,
                    Email = customer.Email,
                    PreferredLocales = ["ja", "en"],
                    Metadata = new() { ["marketplace_buyer"] = customer.BuyerId },
                },
                Key(idempotencyKey),
                ct);
            return created.Id;
        }, ct);
    }

    public Task<string> EnsureProductAsync(PaymentProduct product, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(product);
        return Call(async () =>
        {
            var created = await client.V1.Products.CreateAsync(
                new ProductCreateOptions
                {
                    Name = product.Name,
                    Metadata = new() { ["marketplace_offering"] = product.OfferingId },
                },
                Key(idempotencyKey),
                ct);
            return created.Id;
        }, ct);
    }

    public Task<PaymentMeter> EnsureMeterAsync(string unit, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unit);
        var eventName = "marketplace_" + unit;
        if (meters.TryGetValue(eventName, out var known))
        {
            return Task.FromResult(known);
        }

        return Call(async () =>
        {
            // Stripe allows one active meter per event name: an existing one is ours, whatever key created it.
            await foreach (var existing in client.V1.Billing.Meters.ListAutoPagingAsync(new MeterListOptions { Status = "active" }, null, ct))
            {
                if (existing.EventName == eventName)
                {
                    return meters.GetOrAdd(eventName, new PaymentMeter(existing.Id, eventName));
                }
            }

            var created = await client.V1.Billing.Meters.CreateAsync(
                new MeterCreateOptions
                {
                    DisplayName = "Marketplace " + unit,
                    EventName = eventName,
                    DefaultAggregation = new MeterDefaultAggregationOptions { Formula = "sum" },
                    CustomerMapping = new MeterCustomerMappingOptions { Type = "by_id", EventPayloadKey = CustomerPayloadKey },
                    ValueSettings = new MeterValueSettingsOptions { EventPayloadKey = "value" },
                },
                Key(idempotencyKey),
                ct);
            return meters.GetOrAdd(eventName, new PaymentMeter(created.Id, eventName));
        }, ct);
    }

    public Task ReportMeterEventAsync(MeterEventReport report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Call(async () =>
        {
            await client.V1.Billing.MeterEvents.CreateAsync(
                new MeterEventCreateOptions
                {
                    EventName = report.EventName,
                    Identifier = report.Identifier,
                    Timestamp = report.Timestamp.UtcDateTime,
                    Payload = new()
                    {
                        [CustomerPayloadKey] = report.CustomerId,
                        ["value"] = report.Value.ToString(CultureInfo.InvariantCulture),
                    },
                },
                Key(report.Identifier),
                ct);
            return true;
        }, ct);
    }

    public Task<PaymentInvoice> IssueInvoiceAsync(PaymentInvoiceRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        return Call(async () =>
        {
            var draft = await FindInvoiceAsync(request, ct)
                ?? await client.V1.Invoices.CreateAsync(
                    new InvoiceCreateOptions
                    {
                        Customer = request.CustomerId,
                        Currency = request.Currency.ToLowerInvariant(),
                        Description = request.Description,
                        CollectionMethod = "send_invoice",
                        DaysUntilDue = request.DaysUntilDue,
                        AutoAdvance = false,
                        PendingInvoiceItemsBehavior = "exclude",
                        Metadata = WithEntry(request.Metadata, InvoiceMetadataKey, request.InvoiceId),
                    },
                    Key($"{idempotencyKey}:invoice"),
                    ct);
            if (draft.Status != "draft")
            {
                return ToInvoice(draft);
            }

            // After a crash halfway the draft may hold some lines already; each line carries its index.
            var present = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var line in client.V1.Invoices.LineItems.ListAutoPagingAsync(draft.Id, null, null, ct))
            {
                if (line.Metadata is not null && line.Metadata.TryGetValue(LineMetadataKey, out var index))
                {
                    present.Add(index);
                }
            }

            for (var n = 0; n < request.Lines.Count; n++)
            {
                var index = n.ToString(CultureInfo.InvariantCulture);
                if (!present.Contains(index))
                {
                    await client.V1.InvoiceItems.CreateAsync(
                        await InvoiceItemAsync(request, draft.Id, request.Lines[n], index, ct),
                        Key($"{idempotencyKey}:item:{index}"),
                        ct);
                }
            }

            var finalized = await client.V1.Invoices.FinalizeInvoiceAsync(
                draft.Id, new InvoiceFinalizeOptions { AutoAdvance = false }, Key($"{idempotencyKey}:finalize"), ct);
            return ToInvoice(finalized);
        }, ct);
    }

    public Task<PaymentCreditNote> IssueCreditNoteAsync(PaymentCreditNoteRequest request, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Call(async () =>
        {
            var note = await client.V1.CreditNotes.CreateAsync(
                new CreditNoteCreateOptions
                {
                    Invoice = request.StripeInvoiceId,
                    Amount = request.AmountMinor,
                    Memo = request.Memo,
                    Metadata = WithEntry(request.Metadata, "marketplace_credit_note", request.CreditNoteId),
                },
                Key(idempotencyKey),
                ct);
            return new PaymentCreditNote(note.Id, note.Amount);
        }, ct);
    }

    public Task<string> TransferAsync(PaymentTransfer transfer, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        if (!options.ConnectedAccountsEnabled)
        {
            throw new InvalidOperationException("Transfers need Stripe Connect: set Marketplace:Stripe:ConnectedAccountsEnabled once providers have connected accounts.");
        }

        return Call(async () =>
        {
            var created = await client.V1.Transfers.CreateAsync(
                new TransferCreateOptions
                {
                    Amount = transfer.AmountMinor,
                    Currency = transfer.Currency.ToLowerInvariant(),
                    Destination = transfer.DestinationAccountId,
                    SourceTransaction = transfer.SourceChargeId,
                    TransferGroup = transfer.TransferGroup,
                    Metadata = WithEntry(transfer.Metadata, "marketplace_payout", transfer.PayoutId),
                },
                Key(idempotencyKey),
                ct);
            return created.Id;
        }, ct);
    }

    public Task<IReadOnlyList<MeterDaySummary>> ReadMeterSummariesAsync(string meterId, string customerId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default) =>
        Call<IReadOnlyList<MeterDaySummary>>(async () =>
        {
            var days = new List<MeterDaySummary>();
            var query = new MeterEventSummaryListOptions
            {
                Customer = customerId,
                StartTime = start.UtcDateTime,
                EndTime = end.UtcDateTime,
                ValueGroupingWindow = "day",
            };
            await foreach (var summary in client.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId, query, null, ct))
            {
                days.Add(new MeterDaySummary(
                    new DateTimeOffset(DateTime.SpecifyKind(summary.StartTime, DateTimeKind.Utc)),
                    new DateTimeOffset(DateTime.SpecifyKind(summary.EndTime, DateTimeKind.Utc)),
                    decimal.ToInt64(summary.AggregatedValue)));
            }

            // Stripe's order is not part of its contract; ours is ascending.
            return days.OrderBy(d => d.Start).ToList();
        }, ct);

    public PaymentWebhookEvent ParseWebhook(string json, string signatureHeader) =>
        StripeWebhook.Parse(json, signatureHeader, options.WebhookSecret, time);

    private async Task<Invoice?> FindInvoiceAsync(PaymentInvoiceRequest request, CancellationToken ct)
    {
        // Idempotency keys live 24 hours at Stripe; an outbox retry after that must still find its invoice.
        await foreach (var invoice in client.V1.Invoices.ListAutoPagingAsync(new InvoiceListOptions { Customer = request.CustomerId }, null, ct))
        {
            if (invoice.Status != "void" && invoice.Metadata is not null
                && invoice.Metadata.TryGetValue(InvoiceMetadataKey, out var ours) && ours == request.InvoiceId)
            {
                return invoice;
            }
        }

        return null;
    }

    private async Task<InvoiceItemCreateOptions> InvoiceItemAsync(
        PaymentInvoiceRequest request, string invoiceId, PaymentInvoiceLine line, string index, CancellationToken ct)
    {
        var item = new InvoiceItemCreateOptions
        {
            Customer = request.CustomerId,
            Invoice = invoiceId,
            Description = line.Description,
            Metadata = WithEntry(line.Metadata, LineMetadataKey, index),
        };
        if (line.TaxRateBasisPoints is { } rate)
        {
            item.TaxRates = [await TaxRateAsync(rate, ct)];
        }

        // Stripe takes a product price only for non-negative unit amounts; a credit line goes as a bare amount.
        if (line.AmountMinor >= 0)
        {
            item.PriceData = new InvoiceItemPriceDataOptions
            {
                Product = line.ProductId,
                Currency = request.Currency.ToLowerInvariant(),
                UnitAmount = line.AmountMinor,
            };
            item.Quantity = 1;
        }
        else
        {
            item.Amount = line.AmountMinor;
            item.Currency = request.Currency.ToLowerInvariant();
        }

        return item;
    }

    private async Task<string> TaxRateAsync(int basisPoints, CancellationToken ct)
    {
        if (taxRates.TryGetValue(basisPoints, out var known))
        {
            return known;
        }

        var tag = basisPoints.ToString(CultureInfo.InvariantCulture);
        // The key names the rate, not the invoice: two invoices racing to create it get one object.
        await foreach (var rate in client.V1.TaxRates.ListAutoPagingAsync(new TaxRateListOptions { Active = true, Inclusive = false }, null, ct))
        {
            if (rate.Metadata is not null && rate.Metadata.TryGetValue(RateMetadataKey, out var found) && found == tag && rate.Country == "JP")
            {
                return taxRates.GetOrAdd(basisPoints, rate.Id);
            }
        }

        var created = await client.V1.TaxRates.CreateAsync(
            new TaxRateCreateOptions
            {
                DisplayName = "消費税",
                Description = string.Create(CultureInfo.InvariantCulture, $"Japanese consumption tax {basisPoints / 100m:0.##}%"),
                Percentage = basisPoints / 100m,
                Inclusive = false,
                Country = "JP",
                TaxType = "jct",
                Metadata = new() { [RateMetadataKey] = tag },
            },
            Key($"marketplace:tax-rate:jp:{tag}:exclusive"),
            ct);
        return taxRates.GetOrAdd(basisPoints, created.Id);
    }

    private static PaymentInvoice ToInvoice(Invoice invoice) =>
        new(invoice.Id, invoice.Status, invoice.Total, invoice.TotalTaxes?.Sum(t => t.Amount) ?? 0, invoice.Number);

    private static Dictionary<string, string> WithEntry(IReadOnlyDictionary<string, string>? metadata, string key, string value)
    {
        var all = metadata is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        all[key] = value;
        return all;
    }

    private static RequestOptions Key(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        return new RequestOptions { IdempotencyKey = idempotencyKey };
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (StripeException e)
        {
            throw StripeFailure.From(e);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentUnavailableException($"Stripe could not be reached ({e.Message}); the call will be retried.", null, null, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new PaymentUnavailableException("Stripe did not answer in time; the call will be retried under the same idempotency key.", null, null, e);
        }
    }
}
