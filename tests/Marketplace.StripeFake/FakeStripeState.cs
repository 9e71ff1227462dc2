using System.Globalization;

namespace Marketplace.StripeFake;

/// <summary>Stripe's objects in memory, behind one lock; every method answers a JSON-ready object or throws FakeStripeError.</summary>
internal sealed class FakeStripeState(TimeProvider time)
{
    private static readonly TimeSpan PastWindow = TimeSpan.FromDays(35);
    private static readonly TimeSpan FutureWindow = TimeSpan.FromMinutes(5);

    private readonly Lock gate = new();
    private readonly Dictionary<string, int> counters = new(StringComparer.Ordinal);
    private readonly List<Customer> customers = [];
    private readonly List<Product> products = [];
    private readonly List<TaxRate> taxRates = [];
    private readonly List<Meter> meters = [];
    private readonly HashSet<string> meterIdentifiers = new(StringComparer.Ordinal);
    private readonly List<FakeMeterEvent> meterEvents = [];
    private readonly List<InvoiceItem> invoiceItems = [];
    private readonly List<Invoice> invoices = [];
    private readonly List<CreditNote> creditNotes = [];
    private readonly List<FakeTransfer> transfers = [];
    private bool dropMeterEvents;
    private int duplicateMeterEvents;

    public void DropMeterEvents(bool drop)
    {
        lock (gate)
        {
            dropMeterEvents = drop;
        }
    }

    public void DuplicateNextMeterEvent()
    {
        lock (gate)
        {
            duplicateMeterEvents++;
        }
    }

    // ---- customers, products, tax rates

    public object CreateCustomer(StripeForm form)
    {
        lock (gate)
        {
            var customer = new Customer(NextId("cus"), form.Text("name"), form.Text("email"), form.Map("metadata"), Now());
            customers.Add(customer);
            return customer.Json();
        }
    }

    public object CreateProduct(StripeForm form)
    {
        lock (gate)
        {
            var product = new Product(NextId("prod"), form.Required("name"), form.Map("metadata"), Now());
            products.Add(product);
            return product.Json();
        }
    }

    public object CreateTaxRate(StripeForm form)
    {
        lock (gate)
        {
            var percentage = form.Number("percentage") ?? throw FakeStripeError.Invalid("Missing required param: percentage.", "percentage");
            var inclusive = form.Flag("inclusive") ?? throw FakeStripeError.Invalid("Missing required param: inclusive.", "inclusive");
            var rate = new TaxRate(NextId("txr"), percentage, inclusive, form.Text("country"), form.Required("display_name"), form.Text("tax_type"), form.Map("metadata"), Now());
            taxRates.Add(rate);
            return rate.Json();
        }
    }

    public object ListTaxRates(StripeForm query)
    {
        lock (gate)
        {
            var active = query.Flag("active");
            var inclusive = query.Flag("inclusive");
            return Page(taxRates.Where(r => (active ?? true) && (inclusive is null || r.Inclusive == inclusive)).Reverse(), r => r.Id, r => r.Json(), query, "/v1/tax_rates");
        }
    }

    // ---- meters and meter events

    public object CreateMeter(StripeForm form)
    {
        lock (gate)
        {
            var eventName = form.Required("event_name");
            if (meters.Any(m => m.EventName == eventName))
            {
                throw FakeStripeError.Invalid($"An active meter with event_name '{eventName}' already exists.", "event_name", "meter_event_name_not_unique");
            }

            var meter = new Meter(
                NextId("mtr"),
                eventName,
                form.Required("display_name"),
                form.Required("default_aggregation[formula]"),
                form.Text("customer_mapping[event_payload_key]") ?? "stripe_customer_id",
                form.Text("value_settings[event_payload_key]") ?? "value",
                Now());
            meters.Add(meter);
            return meter.Json();
        }
    }

    public object ListMeters(StripeForm query)
    {
        lock (gate)
        {
            return Page(meters.AsEnumerable().Reverse(), m => m.Id, m => m.Json(), query, "/v1/billing/meters");
        }
    }

    public object CreateMeterEvent(StripeForm form)
    {
        lock (gate)
        {
            var eventName = form.Required("event_name");
            var meter = meters.FirstOrDefault(m => m.EventName == eventName)
                ?? throw FakeStripeError.Invalid($"No active meter with event_name '{eventName}'.", "event_name");
            var payload = form.Map("payload");
            var customer = payload.GetValueOrDefault(meter.CustomerPayloadKey)
                ?? throw FakeStripeError.Invalid($"The payload has no '{meter.CustomerPayloadKey}'.", "payload");
            if (customers.All(c => c.Id != customer))
            {
                throw FakeStripeError.Invalid($"No such customer: '{customer}'", "payload");
            }

            var valueText = payload.GetValueOrDefault(meter.ValuePayloadKey) ?? throw FakeStripeError.Invalid($"The payload has no '{meter.ValuePayloadKey}'.", "payload");
            if (!long.TryParse(valueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw FakeStripeError.Invalid($"The payload's value '{valueText}' is not a whole number (this fake counts whole units only).", "payload");
            }

            var now = Now();
            var timestamp = form.Time("timestamp") ?? now;
            if (timestamp < now - PastWindow || timestamp > now + FutureWindow)
            {
                throw FakeStripeError.Invalid(
                    "Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.", "timestamp", "timestamp_outside_window");
            }

            var identifier = form.Text("identifier") ?? NextId("mevt_auto");
            // A repeated identifier is accepted and not counted; a dropped event is accepted, remembered and not counted.
            if (meterIdentifiers.Add(identifier) && !dropMeterEvents)
            {
                var counted = new FakeMeterEvent(meter.Id, eventName, customer, value, timestamp, identifier);
                meterEvents.Add(counted);
                if (duplicateMeterEvents > 0)
                {
                    duplicateMeterEvents--;
                    meterEvents.Add(counted);
                }
            }

            return new Dictionary<string, object?>
            {
                ["object"] = "billing.meter_event",
                ["created"] = now.ToUnixTimeSeconds(),
                ["event_name"] = eventName,
                ["identifier"] = identifier,
                ["livemode"] = false,
                ["payload"] = payload,
                ["timestamp"] = timestamp.ToUnixTimeSeconds(),
            };
        }
    }

    public object ListEventSummaries(string meterId, StripeForm query)
    {
        lock (gate)
        {
            var meter = meters.FirstOrDefault(m => m.Id == meterId) ?? throw FakeStripeError.Missing("billing.meter", meterId);
            var customer = query.Required("customer");
            var start = query.Time("start_time") ?? throw FakeStripeError.Invalid("Missing required param: start_time.", "start_time");
            var end = query.Time("end_time") ?? throw FakeStripeError.Invalid("Missing required param: end_time.", "end_time");
            if (query.Text("value_grouping_window") is { } window && window != "day")
            {
                throw FakeStripeError.Invalid("This fake groups by day only.", "value_grouping_window");
            }

            var grouped = query.Text("value_grouping_window") is not null;
            if (start.ToUnixTimeSeconds() % 60 != 0 || end.ToUnixTimeSeconds() % 60 != 0 || start >= end)
            {
                throw FakeStripeError.Invalid("start_time and end_time must be aligned with minute boundaries, start before end.", "start_time");
            }

            // Day windows are UTC days: a window that does not start and end on one cannot be grouped by day.
            if (grouped && (start != DayStart(start) || end != DayStart(end)))
            {
                throw FakeStripeError.Invalid("With value_grouping_window=day, start_time and end_time must be at 00:00 UTC.", "start_time");
            }

            var summaries = meterEvents
                .Where(e => e.MeterId == meterId && e.CustomerId == customer && e.Timestamp >= start && e.Timestamp < end)
                .GroupBy(e => grouped ? DayStart(e.Timestamp) : start)
                .OrderBy(g => g.Key)
                .Select(g => new Summary(
                    $"mtrusg_{meter.Id}_{g.Key.ToUnixTimeSeconds()}",
                    meter.Id,
                    g.Key,
                    grouped ? g.Key.AddDays(1) : end,
                    g.Sum(e => e.Value)));
            return Page(summaries, s => s.Id, s => s.Json(), query, $"/v1/billing/meters/{meterId}/event_summaries");
        }
    }

    // ---- invoices, invoice items, credit notes

    public object CreateInvoice(StripeForm form)
    {
        lock (gate)
        {
            var customer = form.Required("customer");
            if (customers.All(c => c.Id != customer))
            {
                throw FakeStripeError.Invalid($"No such customer: '{customer}'", "customer", "resource_missing");
            }

            if (form.Text("pending_invoice_items_behavior") is { } pending && pending != "exclude")
            {
                throw FakeStripeError.Invalid("This fake only creates invoices with pending_invoice_items_behavior=exclude.", "pending_invoice_items_behavior");
            }

            if (form.Text("collection_method") == "send_invoice" && form.Integer("days_until_due") is null && form.Integer("due_date") is null)
            {
                throw FakeStripeError.Invalid("Invoices with collection_method=send_invoice need days_until_due or due_date.", "days_until_due");
            }

            var invoice = new Invoice(NextId("in"), customer, form.Text("currency") ?? "jpy", form.Map("metadata"), Now())
            {
                Description = form.Text("description"),
                CollectionMethod = form.Text("collection_method") ?? "charge_automatically",
                DaysUntilDue = form.Integer("days_until_due"),
                AutoAdvance = form.Flag("auto_advance") ?? false,
            };
            invoices.Add(invoice);
            return Json(invoice);
        }
    }

    public object GetInvoice(string id)
    {
        lock (gate)
        {
            return Json(FindInvoice(id));
        }
    }

    public object ListInvoices(StripeForm query)
    {
        lock (gate)
        {
            var customer = query.Text("customer");
            var status = query.Text("status");
            var found = invoices.Where(i => (customer is null || i.CustomerId == customer) && (status is null || i.Status == status)).Reverse();
            return Page(found, i => i.Id, Json, query, "/v1/invoices");
        }
    }

    public object ListInvoiceLines(string id, StripeForm query)
    {
        lock (gate)
        {
            var invoice = FindInvoice(id);
            return Page(ItemsOf(invoice), i => i.LineId, LineJson, query, $"/v1/invoices/{id}/lines");
        }
    }

    public object CreateInvoiceItem(StripeForm form)
    {
        lock (gate)
        {
            var customer = form.Required("customer");
            var invoiceId = form.Required("invoice");
            var invoice = invoices.FirstOrDefault(i => i.Id == invoiceId) ?? throw FakeStripeError.Invalid($"No such invoice: '{invoiceId}'", "invoice", "resource_missing");
            if (invoice.Status != "draft")
            {
                throw FakeStripeError.Invalid($"Invoice {invoiceId} is {invoice.Status}; items can be added to drafts only.", "invoice", "invoice_not_editable");
            }

            if (invoice.CustomerId != customer)
            {
                throw FakeStripeError.Invalid("The invoice item's customer differs from the invoice's.", "customer");
            }

            string? product = null;
            long amount;
            long quantity = form.Integer("quantity") ?? 1;
            string currency;
            if (form.Text("price_data[product]") is not null)
            {
                product = form.Required("price_data[product]");
                if (products.All(p => p.Id != product))
                {
                    throw FakeStripeError.Invalid($"No such product: '{product}'", "price_data[product]", "resource_missing");
                }

                var unit = form.Integer("price_data[unit_amount]") ?? throw FakeStripeError.Invalid("Missing required param: price_data[unit_amount].", "price_data[unit_amount]");
                if (unit < 0)
                {
                    throw FakeStripeError.Invalid("price_data[unit_amount] must be a non-negative integer.", "price_data[unit_amount]");
                }

                amount = checked(unit * quantity);
                currency = form.Required("price_data[currency]");
            }
            else
            {
                amount = form.Integer("amount") ?? throw FakeStripeError.Invalid("Missing required param: amount or price_data.", "amount");
                currency = form.Required("currency");
            }

            if (currency != invoice.Currency)
            {
                throw FakeStripeError.Invalid($"The item's currency {currency} differs from the invoice's {invoice.Currency}.", "currency");
            }

            var rates = form.List("tax_rates");
            foreach (var rate in rates)
            {
                if (taxRates.All(r => r.Id != rate))
                {
                    throw FakeStripeError.Invalid($"No such tax rate: '{rate}'", "tax_rates", "resource_missing");
                }
            }

            var item = new InvoiceItem(NextId("ii"), NextId("il"), customer, invoiceId, product, form.Text("description"), amount, quantity, currency, rates, form.Map("metadata"), Now());
            invoiceItems.Add(item);
            return new Dictionary<string, object?>
            {
                ["id"] = item.Id,
                ["object"] = "invoiceitem",
                ["amount"] = item.Amount,
                ["currency"] = item.Currency,
                ["customer"] = item.CustomerId,
                ["date"] = item.Created.ToUnixTimeSeconds(),
                ["description"] = item.Description,
                ["invoice"] = item.InvoiceId,
                ["livemode"] = false,
                ["metadata"] = item.Metadata,
                ["quantity"] = item.Quantity,
                ["tax_rates"] = item.TaxRateIds.Select(id => taxRates.First(r => r.Id == id).Json()).ToList(),
            };
        }
    }

    public object FinalizeInvoice(string id)
    {
        lock (gate)
        {
            var invoice = FindInvoice(id);
            if (invoice.Status != "draft")
            {
                throw FakeStripeError.Invalid($"This invoice is already finalized, you can't re-finalize a non-draft invoice.", null, "invoice_not_editable");
            }

            invoice.Status = "open";
            invoice.Number = $"FAKE-{Next("number"):D4}";
            invoice.FinalizedAt = Now();
            return Json(invoice);
        }
    }

    public FakeInvoice MarkInvoicePaid(string id)
    {
        lock (gate)
        {
            var invoice = FindInvoice(id);
            if (invoice.Status != "open")
            {
                throw new InvalidOperationException($"Only an open invoice can be paid; {id} is {invoice.Status}.");
            }

            invoice.Status = "paid";
            invoice.AmountPaid = Totals(invoice).Total;
            invoice.ChargeId = NextId("ch");
            return View(invoice);
        }
    }

    public object CreateCreditNote(StripeForm form)
    {
        lock (gate)
        {
            var invoiceId = form.Required("invoice");
            var invoice = invoices.FirstOrDefault(i => i.Id == invoiceId) ?? throw FakeStripeError.Invalid($"No such invoice: '{invoiceId}'", "invoice", "resource_missing");
            if (invoice.Status is not ("open" or "paid"))
            {
                throw FakeStripeError.Invalid($"Credit notes can be issued for open or paid invoices only; {invoiceId} is {invoice.Status}.", "invoice");
            }

            var amount = form.Integer("amount") ?? throw FakeStripeError.Invalid("Missing required param: amount (this fake credits by amount only).", "amount");
            var credited = creditNotes.Where(c => c.InvoiceId == invoiceId).Sum(c => c.Amount);
            if (amount <= 0 || credited + amount > Totals(invoice).Total)
            {
                throw FakeStripeError.Invalid(
                    $"The credit note amount ({amount}) must be positive and at most the invoice's remaining creditable amount ({Totals(invoice).Total - credited}).", "amount");
            }

            var note = new CreditNote(NextId("cn"), invoiceId, invoice.CustomerId, invoice.Currency, amount, form.Text("memo"), form.Map("metadata"), Now());
            creditNotes.Add(note);
            return new Dictionary<string, object?>
            {
                ["id"] = note.Id,
                ["object"] = "credit_note",
                ["amount"] = note.Amount,
                ["created"] = note.Created.ToUnixTimeSeconds(),
                ["currency"] = note.Currency,
                ["customer"] = note.CustomerId,
                ["invoice"] = note.InvoiceId,
                ["livemode"] = false,
                ["memo"] = note.Memo,
                ["metadata"] = note.Metadata,
                ["number"] = $"{invoice.Number}-CN-{creditNotes.Count(c => c.InvoiceId == invoiceId)}",
                ["status"] = "issued",
                ["subtotal"] = note.Amount,
                ["total"] = note.Amount,
                ["type"] = invoice.Status == "paid" ? "post_payment" : "pre_payment",
            };
        }
    }

    // ---- transfers

    public object CreateTransfer(StripeForm form)
    {
        lock (gate)
        {
            var amount = form.Integer("amount") ?? throw FakeStripeError.Invalid("Missing required param: amount.", "amount");
            if (amount <= 0)
            {
                throw FakeStripeError.Invalid("Amount must be positive.", "amount");
            }

            var destination = form.Required("destination");
            if (!destination.StartsWith("acct_", StringComparison.Ordinal))
            {
                throw FakeStripeError.Invalid($"No such destination: '{destination}'", "destination", "resource_missing");
            }

            var source = form.Text("source_transaction");
            if (source is not null && invoices.All(i => i.ChargeId != source))
            {
                throw FakeStripeError.Invalid($"No such charge: '{source}'", "source_transaction", "resource_missing");
            }

            var transfer = new FakeTransfer(NextId("tr"), amount, form.Required("currency"), destination, source, form.Text("transfer_group"), form.Map("metadata"));
            transfers.Add(transfer);
            return new Dictionary<string, object?>
            {
                ["id"] = transfer.Id,
                ["object"] = "transfer",
                ["amount"] = transfer.Amount,
                ["amount_reversed"] = 0,
                ["created"] = Now().ToUnixTimeSeconds(),
                ["currency"] = transfer.Currency,
                ["destination"] = transfer.Destination,
                ["livemode"] = false,
                ["metadata"] = transfer.Metadata,
                ["reversed"] = false,
                ["source_transaction"] = transfer.SourceTransaction,
                ["transfer_group"] = transfer.TransferGroup,
            };
        }
    }

    // ---- views

    public IReadOnlyList<FakeCustomer> Customers()
    {
        lock (gate)
        {
            return customers.Select(c => new FakeCustomer(c.Id, c.Name, c.Email, c.Metadata)).ToList();
        }
    }

    public IReadOnlyList<FakeProduct> Products()
    {
        lock (gate)
        {
            return products.Select(p => new FakeProduct(p.Id, p.Name, p.Metadata)).ToList();
        }
    }

    public IReadOnlyList<FakeTaxRate> TaxRates()
    {
        lock (gate)
        {
            return taxRates.Select(r => new FakeTaxRate(r.Id, r.Percentage, r.Inclusive, r.Country, r.DisplayName, r.Metadata)).ToList();
        }
    }

    public IReadOnlyList<FakeMeter> Meters()
    {
        lock (gate)
        {
            return meters.Select(m => new FakeMeter(m.Id, m.EventName, m.DisplayName, m.Formula, m.CustomerPayloadKey)).ToList();
        }
    }

    public IReadOnlyList<FakeMeterEvent> MeterEvents()
    {
        lock (gate)
        {
            return meterEvents.ToList();
        }
    }

    public IReadOnlyList<FakeMeterDayTotal> MeterTotals()
    {
        lock (gate)
        {
            return meterEvents
                .GroupBy(e => (e.MeterId, e.CustomerId, Day: DateOnly.FromDateTime(e.Timestamp.UtcDateTime)))
                .OrderBy(g => g.Key.MeterId, StringComparer.Ordinal).ThenBy(g => g.Key.CustomerId, StringComparer.Ordinal).ThenBy(g => g.Key.Day)
                .Select(g => new FakeMeterDayTotal(g.Key.MeterId, g.Key.CustomerId, g.Key.Day, g.Sum(e => e.Value)))
                .ToList();
        }
    }

    public IReadOnlyList<FakeInvoice> Invoices()
    {
        lock (gate)
        {
            return invoices.Select(View).ToList();
        }
    }

    public object InvoiceObject(string id)
    {
        lock (gate)
        {
            return Json(FindInvoice(id));
        }
    }

    public IReadOnlyList<FakeCreditNote> CreditNotes()
    {
        lock (gate)
        {
            return creditNotes.Select(c => new FakeCreditNote(c.Id, c.InvoiceId, c.Amount, c.Memo, c.Metadata)).ToList();
        }
    }

    public IReadOnlyList<FakeTransfer> Transfers()
    {
        lock (gate)
        {
            return transfers.ToList();
        }
    }

    public string NextEventId()
    {
        lock (gate)
        {
            return NextId("evt");
        }
    }

    // ---- internals (callers hold the lock)

    private DateTimeOffset Now() => time.GetUtcNow();

    private int Next(string counter)
    {
        counters[counter] = counters.GetValueOrDefault(counter) + 1;
        return counters[counter];
    }

    private string NextId(string prefix) => $"{prefix}_fake{Next(prefix):D6}";

    private static DateTimeOffset DayStart(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    private Invoice FindInvoice(string id) => invoices.FirstOrDefault(i => i.Id == id) ?? throw FakeStripeError.Missing("invoice", id);

    private IEnumerable<InvoiceItem> ItemsOf(Invoice invoice) => invoiceItems.Where(i => i.InvoiceId == invoice.Id);

    /// Stripe taxes each line on its own, rounding to the minor unit half away from zero.
    private long LineTax(InvoiceItem item) =>
        item.TaxRateIds.Sum(id => (long)Math.Round(item.Amount * taxRates.First(r => r.Id == id).Percentage / 100m, MidpointRounding.AwayFromZero));

    private (long Subtotal, long Tax, long Total) Totals(Invoice invoice)
    {
        var items = ItemsOf(invoice).ToList();
        var subtotal = items.Sum(i => i.Amount);
        var tax = items.Sum(LineTax);
        return (subtotal, tax, subtotal + tax);
    }

    private FakeInvoice View(Invoice invoice)
    {
        var (subtotal, tax, total) = Totals(invoice);
        var lines = ItemsOf(invoice)
            .Select(i => new FakeInvoiceLine(i.LineId, i.Id, i.ProductId, i.Description, i.Amount, LineTax(i), i.TaxRateIds, i.Metadata))
            .ToList();
        return new FakeInvoice(invoice.Id, invoice.CustomerId, invoice.Currency, invoice.Status, invoice.Number, subtotal, tax, total, invoice.AmountPaid, invoice.ChargeId, lines, invoice.Metadata);
    }

    private Dictionary<string, object?> LineJson(InvoiceItem item)
    {
        var tax = LineTax(item);
        return new Dictionary<string, object?>
        {
            ["id"] = item.LineId,
            ["object"] = "line_item",
            ["amount"] = item.Amount,
            ["currency"] = item.Currency,
            ["description"] = item.Description,
            ["invoice"] = item.InvoiceId,
            ["livemode"] = false,
            ["metadata"] = item.Metadata,
            ["quantity"] = item.Quantity,
            ["subtotal"] = item.Amount,
            ["parent"] = new Dictionary<string, object?>
            {
                ["type"] = "invoice_item_details",
                ["invoice_item_details"] = new Dictionary<string, object?> { ["invoice_item"] = item.Id, ["proration"] = false },
            },
            ["pricing"] = item.ProductId is null ? null : new Dictionary<string, object?>
            {
                ["type"] = "price_details",
                ["price_details"] = new Dictionary<string, object?> { ["product"] = item.ProductId },
                ["unit_amount_decimal"] = (item.Amount / item.Quantity).ToString(CultureInfo.InvariantCulture),
            },
            ["taxes"] = item.TaxRateIds.Select(id => new Dictionary<string, object?>
            {
                ["amount"] = tax,
                ["tax_behavior"] = "exclusive",
                ["taxability_reason"] = "standard_rated",
                ["taxable_amount"] = item.Amount,
                ["type"] = "tax_rate_details",
                ["tax_rate_details"] = new Dictionary<string, object?> { ["tax_rate"] = id },
            }).ToList(),
        };
    }

    private Dictionary<string, object?> Json(Invoice invoice)
    {
        var (subtotal, tax, total) = Totals(invoice);
        var items = ItemsOf(invoice).ToList();
        return new Dictionary<string, object?>
        {
            ["id"] = invoice.Id,
            ["object"] = "invoice",
            ["amount_due"] = total,
            ["amount_paid"] = invoice.AmountPaid,
            ["amount_remaining"] = total - invoice.AmountPaid,
            ["auto_advance"] = invoice.AutoAdvance,
            ["collection_method"] = invoice.CollectionMethod,
            ["created"] = invoice.Created.ToUnixTimeSeconds(),
            ["currency"] = invoice.Currency,
            ["customer"] = invoice.CustomerId,
            ["description"] = invoice.Description,
            ["due_date"] = invoice.FinalizedAt is { } at && invoice.DaysUntilDue is { } days ? at.AddDays(days).ToUnixTimeSeconds() : null,
            ["livemode"] = false,
            ["metadata"] = invoice.Metadata,
            ["number"] = invoice.Number,
            ["status"] = invoice.Status,
            ["subtotal"] = subtotal,
            ["subtotal_excluding_tax"] = subtotal,
            ["total"] = total,
            ["total_excluding_tax"] = subtotal,
            ["total_taxes"] = items.SelectMany(i => i.TaxRateIds.Select(id => (id, i))).GroupBy(p => p.id).Select(g => new Dictionary<string, object?>
            {
                ["amount"] = g.Sum(p => LineTax(p.i)),
                ["tax_behavior"] = "exclusive",
                ["taxability_reason"] = "standard_rated",
                ["taxable_amount"] = g.Sum(p => p.i.Amount),
                ["type"] = "tax_rate_details",
                ["tax_rate_details"] = new Dictionary<string, object?> { ["tax_rate"] = g.Key },
            }).ToList(),
            ["lines"] = new Dictionary<string, object?>
            {
                ["object"] = "list",
                ["data"] = items.Select(LineJson).ToList(),
                ["has_more"] = false,
                ["url"] = $"/v1/invoices/{invoice.Id}/lines",
            },
            ["payments"] = invoice.ChargeId is null ? null : new Dictionary<string, object?>
            {
                ["object"] = "list",
                ["data"] = new List<object>
                {
                    new Dictionary<string, object?>
                    {
                        ["id"] = "inpay_" + invoice.ChargeId,
                        ["object"] = "invoice_payment",
                        ["amount_paid"] = invoice.AmountPaid,
                        ["amount_requested"] = total,
                        ["currency"] = invoice.Currency,
                        ["invoice"] = invoice.Id,
                        ["is_default"] = true,
                        ["livemode"] = false,
                        ["payment"] = new Dictionary<string, object?> { ["type"] = "charge", ["charge"] = invoice.ChargeId },
                        ["status"] = "paid",
                    },
                },
                ["has_more"] = false,
                ["url"] = $"/v1/invoice_payments?invoice={invoice.Id}",
            },
        };
    }

    /// Stripe's cursor paging: limit (default 10, at most 100), starting_after an id of the previous page.
    private static Dictionary<string, object?> Page<T>(IEnumerable<T> all, Func<T, string> id, Func<T, object> json, StripeForm query, string url)
    {
        var limit = (int)Math.Clamp(query.Integer("limit") ?? 10, 1, 100);
        var rest = all.ToList();
        if (query.Text("starting_after") is { } after)
        {
            var index = rest.FindIndex(x => id(x) == after);
            if (index < 0)
            {
                throw FakeStripeError.Invalid($"starting_after '{after}' is not in this list.", "starting_after", "resource_missing");
            }

            rest = rest.Skip(index + 1).ToList();
        }

        return new Dictionary<string, object?>
        {
            ["object"] = "list",
            ["data"] = rest.Take(limit).Select(json).ToList(),
            ["has_more"] = rest.Count > limit,
            ["url"] = url,
        };
    }

    private sealed record Customer(string Id, string? Name, string? Email, Dictionary<string, string> Metadata, DateTimeOffset Created)
    {
        public object Json() => new Dictionary<string, object?>
        {
            ["id"] = Id, ["object"] = "customer", ["created"] = Created.ToUnixTimeSeconds(), ["email"] = Email, ["livemode"] = false, ["metadata"] = Metadata, ["name"] = Name,
        };
    }

    private sealed record Product(string Id, string Name, Dictionary<string, string> Metadata, DateTimeOffset Created)
    {
        public object Json() => new Dictionary<string, object?>
        {
            ["id"] = Id, ["object"] = "product", ["active"] = true, ["created"] = Created.ToUnixTimeSeconds(), ["livemode"] = false, ["metadata"] = Metadata, ["name"] = Name, ["type"] = "service",
        };
    }

    private sealed record TaxRate(string Id, decimal Percentage, bool Inclusive, string? Country, string DisplayName, string? TaxType, Dictionary<string, string> Metadata, DateTimeOffset Created)
    {
        public object Json() => new Dictionary<string, object?>
        {
            ["id"] = Id, ["object"] = "tax_rate", ["active"] = true, ["country"] = Country, ["created"] = Created.ToUnixTimeSeconds(), ["display_name"] = DisplayName,
            ["effective_percentage"] = Percentage, ["inclusive"] = Inclusive, ["livemode"] = false, ["metadata"] = Metadata, ["percentage"] = Percentage,
            ["rate_type"] = "percentage", ["tax_type"] = TaxType,
        };
    }

    private sealed record Meter(string Id, string EventName, string DisplayName, string Formula, string CustomerPayloadKey, string ValuePayloadKey, DateTimeOffset Created)
    {
        public object Json() => new Dictionary<string, object?>
        {
            ["id"] = Id,
            ["object"] = "billing.meter",
            ["created"] = Created.ToUnixTimeSeconds(),
            ["customer_mapping"] = new Dictionary<string, object?> { ["event_payload_key"] = CustomerPayloadKey, ["type"] = "by_id" },
            ["default_aggregation"] = new Dictionary<string, object?> { ["formula"] = Formula },
            ["display_name"] = DisplayName,
            ["event_name"] = EventName,
            ["event_time_window"] = null,
            ["livemode"] = false,
            ["status"] = "active",
            ["updated"] = Created.ToUnixTimeSeconds(),
            ["value_settings"] = new Dictionary<string, object?> { ["event_payload_key"] = ValuePayloadKey },
        };
    }

    private sealed record Summary(string Id, string MeterId, DateTimeOffset Start, DateTimeOffset End, long Value)
    {
        public object Json() => new Dictionary<string, object?>
        {
            ["id"] = Id, ["object"] = "billing.meter_event_summary", ["aggregated_value"] = Value, ["end_time"] = End.ToUnixTimeSeconds(),
            ["livemode"] = false, ["meter"] = MeterId, ["start_time"] = Start.ToUnixTimeSeconds(),
        };
    }

    private sealed record InvoiceItem(
        string Id, string LineId, string CustomerId, string InvoiceId, string? ProductId, string? Description, long Amount, long Quantity, string Currency,
        List<string> TaxRateIds, Dictionary<string, string> Metadata, DateTimeOffset Created);

    private sealed record CreditNote(string Id, string InvoiceId, string CustomerId, string Currency, long Amount, string? Memo, Dictionary<string, string> Metadata, DateTimeOffset Created);

    private sealed class Invoice(string id, string customerId, string currency, Dictionary<string, string> metadata, DateTimeOffset created)
    {
        public string Id { get; } = id;
        public string CustomerId { get; } = customerId;
        public string Currency { get; } = currency;
        public Dictionary<string, string> Metadata { get; } = metadata;
        public DateTimeOffset Created { get; } = created;
        public string? Description { get; init; }
        public string CollectionMethod { get; init; } = "charge_automatically";
        public long? DaysUntilDue { get; init; }
        public bool AutoAdvance { get; init; }
        public string Status { get; set; } = "draft";
        public string? Number { get; set; }
        public DateTimeOffset? FinalizedAt { get; set; }
        public long AmountPaid { get; set; }
        public string? ChargeId { get; set; }
    }
}
