using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Billing.Outbox;
using Marketplace.Storage;
using Marketplace.Storage.Sqlite;
using Marketplace.StripeFake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Marketplace.Host.Tests.MarketplaceDriver;

namespace Marketplace.Host.Tests.Billing;

/// <summary>
/// Money and usage are never lost or counted twice, whatever happens: for many seeds, random usage streams with
/// duplicates, replays with altered units and late events are billed over three periods, with a crash in the
/// middle of closes and Stripe failing calls. Then Σ accepted usage = Σ meter totals = Σ invoiced quantities, every
/// invoice's shares add up to its total, and Stripe holds each invoice once with our total.
/// </summary>
public sealed class ConservationPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Usage_meters_invoices_and_stripe_agree_for_a_random_history(int seed)
    {
        var random = new Random(seed);
        var crashes = new CrashingInvoiceIndex();
        var settings = new Dictionary<string, string>
        {
            ["Marketplace:Jobs:RunServer"] = "false",
            ["Marketplace:Stripe:ApiKey"] = FakeStripe.ApiKey,
        };
        await using var factory = new MarketplaceFactory(settings: settings)
        {
            ConfigureServices = services => services.Replace(ServiceDescriptor.Singleton<IInvoiceIndex>(sp =>
                crashes.Wrap(sp.GetRequiredService<SqliteInvoiceIndex>()))),
        };
        await using var stripe = await FakeStripe.StartAsync(factory.Time);
        settings["Marketplace:Stripe:ApiBase"] = stripe.BaseUrl;
        settings["Marketplace:Stripe:MeterEventsBase"] = stripe.BaseUrl;
        _ = factory.Server;
        var driver = new MarketplaceDriver(factory);
        var operatorClient = factory.ClientWithKey(factory.OperatorKey);

        object[] plans =
        [
            new { model = "per-unit", currency = "JPY", amount = 3, unit = "record", unitBlock = 10 },
            new { model = "tiered", currency = "JPY", unit = "record", includedUnits = 50, tiers = new object[] { new { upTo = 400, unitPrice = 2 }, new { unitPrice = 1 } } },
            new { model = "flat", currency = "JPY", amount = 12_000 },
        ];
        var contracts = new List<(Listing Listing, string ContractId)>();
        foreach (var plan in plans)
        {
            var listing = await driver.ListedOfferingAsync(2, pricing: plan);
            var buyer = await driver.CreatePartyAsync("buyer");
            contracts.Add((listing, (await SubscribeAsync(buyer, listing.OfferingId, "research")).Id));
        }

        // Usage occurs from November 10th to January 10th and arrives up to 20 days late; some ids are sent again,
        // some with other units (the first stays), which must count once.
        var events = Enumerable.Range(0, 45).Select(i =>
        {
            var occurred = Start.AddHours(random.Next(0, 61 * 24));
            var arrives = occurred.AddHours(random.Next(0, 20 * 24));
            return (Id: $"e{seed}-{i}", Contract: random.Next(contracts.Count), Units: (long)random.Next(1, 300), Occurred: occurred, Arrives: arrives);
        }).ToList();
        var sends = events.Select(e => (e.Id, e.Contract, e.Units, e.Occurred, e.Arrives)).ToList();
        foreach (var again in events.Where(_ => random.NextDouble() < 0.25).ToList())
        {
            var units = random.NextDouble() < 0.5 ? again.Units : again.Units + 7;
            sends.Add((again.Id, again.Contract, units, again.Occurred, again.Arrives.AddHours(random.Next(0, 48))));
        }

        var closes = new[] { ("2026-11", new DateTimeOffset(2026, 11, 30, 16, 5, 0, TimeSpan.Zero)), ("2026-12", new DateTimeOffset(2026, 12, 31, 16, 5, 0, TimeSpan.Zero)), ("2027-01", new DateTimeOffset(2027, 1, 31, 16, 5, 0, TimeSpan.Zero)) };
        var sweep = factory.Services.GetRequiredService<PaymentOutboxSweep>();
        var reporting = factory.Services.GetRequiredService<Marketplace.Billing.Usage.UsageReporting>();

        // One timeline: usage arriving, the daily usage report to Stripe's meters (00:30 in Tokyo) with a sweep of
        // the payment outbox while Stripe fails some calls, and the month-end closes (some crashing half-way).
        var timeline = new List<(DateTimeOffset At, int Order, Func<Task> Act)>();
        var accepted = new Dictionary<string, long>();
        foreach (var send in sends)
        {
            timeline.Add((send.Arrives, 2, async () =>
            {
                factory.Time.SetUtcNow(send.Arrives);
                var (listing, contractId) = contracts[send.Contract];
                var response = await listing.Provider.Client.PostAsJsonAsync("/api/v1/usage", new
                {
                    events = new[] { new { eventId = send.Id, contractId, units = send.Units, occurredAt = send.Occurred } },
                });
                var report = await Ok<JsonElement>(response, HttpStatusCode.OK);
                if (report.GetProperty("accepted").GetInt32() == 1)
                {
                    Assert.False(accepted.ContainsKey($"{contractId}/{send.Id}"), $"{send.Id} was accepted twice");
                    accepted[$"{contractId}/{send.Id}"] = send.Units;
                }
            }));
        }
        foreach (var (period, at) in closes)
        {
            timeline.Add((at, 1, () => CloseWithCrashAsync(factory, operatorClient, crashes, random, period, at)));
        }
        for (var tick = new DateTimeOffset(2026, 11, 10, 15, 30, 0, TimeSpan.Zero); tick < new DateTimeOffset(2027, 2, 5, 0, 0, 0, TimeSpan.Zero); tick = tick.AddDays(1))
        {
            var at = tick;
            timeline.Add((at, 0, async () =>
            {
                factory.Time.SetUtcNow(at);
                await reporting.ReportClosedDaysAsync();
                if (random.NextDouble() < 0.3)
                {
                    stripe.FailNext(random.Next(1, 3), random.NextDouble() < 0.5 ? 429 : 500);
                }
                await sweep.SweepAsync();
            }));
        }
        foreach (var (_, _, act) in timeline.OrderBy(t => t.At).ThenBy(t => t.Order))
        {
            await act();
        }

        // Stripe fails some more calls; the sweep runs until nothing is due.
        for (var round = 0; round < 20; round++)
        {
            if (random.NextDouble() < 0.5)
            {
                stripe.FailNext(random.Next(1, 3), random.NextDouble() < 0.5 ? 429 : 500);
            }
            var result = await sweep.SweepAsync();
            if (result.Retried == 0 && result.Done == 0)
            {
                break;
            }
            factory.Time.Advance(TimeSpan.FromHours(7));
        }

        var invoices = new List<Features.Billing.InvoiceResponse>();
        foreach (var period in closes.Select(c => c.Item1))
        {
            var list = await Ok<Features.Billing.InvoiceListResponse>(await operatorClient.GetAsync($"/api/v1/billing/periods/{period}/invoices?pageSize=200"), HttpStatusCode.OK);
            foreach (var entry in list.Items)
            {
                invoices.Add(await Ok<Features.Billing.InvoiceResponse>(await operatorClient.GetAsync($"/api/v1/invoices/{entry.Id}"), HttpStatusCode.OK));
            }
        }
        var meters = 0L;
        foreach (var (_, contractId) in contracts)
        {
            foreach (var period in closes.Select(c => c.Item1))
            {
                meters += await factory.Services.GetRequiredService<IUsageLedger>().GetTotalsAsync(contractId, period).ContinueWith(t => t.Result.Units);
            }
        }

        Assert.Equal(accepted.Values.Sum(), meters);
        Assert.Equal(accepted.Values.Sum(), stripe.MeterTotals.Sum(t => t.Value));
        Assert.Equal(accepted.Values.Sum(), invoices.Sum(i => i.Lines.Where(l => l.Kind is "usage" or "flat-fee" or "adjustment").Sum(l => l.Quantity)));
        Assert.All(invoices, i => Assert.Equal(i.TotalMinor, i.Shares.Sum(s => s.AmountMinor)));
        Assert.Equal(invoices.Count(i => i.TotalMinor != 0), stripe.Invoices.Count);
        Assert.Equal(invoices.Sum(i => i.TotalMinor), stripe.Invoices.Sum(i => i.Total));
        Assert.All(invoices.Where(i => i.TotalMinor != 0), i => Assert.Equal("finalized", i.Status));
    }

    /// <summary>Closes a period; on some seeds the close crashes part-way (the index refuses a write) and is run again.</summary>
    private static async Task CloseWithCrashAsync(MarketplaceFactory factory, HttpClient operatorClient, CrashingInvoiceIndex crashes, Random random, string period, DateTimeOffset at)
    {
        factory.Time.SetUtcNow(at);
        if (random.NextDouble() < 0.5)
        {
            crashes.FailAfter(random.Next(0, 3));
            var crashed = await operatorClient.PostAsync($"/api/v1/billing/periods/{period}/close", null);
            Assert.True(crashed.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"close answered {(int)crashed.StatusCode}");
            crashes.Heal();
        }
        await Ok<Features.Billing.PeriodCloseResponse>(await operatorClient.PostAsync($"/api/v1/billing/periods/{period}/close", null), HttpStatusCode.OK);
    }

    /// <summary>The invoice index, failing as an unavailable store after a set number of writes until healed.</summary>
    private sealed class CrashingInvoiceIndex
    {
        private int _writesLeft = int.MaxValue;

        public void FailAfter(int writes) => Interlocked.Exchange(ref _writesLeft, writes);

        public void Heal() => Interlocked.Exchange(ref _writesLeft, int.MaxValue);

        public IInvoiceIndex Wrap(IInvoiceIndex inner) => new Crashing(inner, this);

        private sealed class Crashing(IInvoiceIndex inner, CrashingInvoiceIndex switchboard) : IInvoiceIndex
        {
            public Task PutAsync(InvoiceEntry invoice, CancellationToken cancellationToken = default) =>
                Interlocked.Decrement(ref switchboard._writesLeft) < 0
                    ? throw new StoreUnavailableException("The invoice index is down (injected).", TimeSpan.FromSeconds(1), null)
                    : inner.PutAsync(invoice, cancellationToken);

            public Task<IndexPage<InvoiceEntry>> ListAsync(InvoiceQuery query, IndexPosition? after, int pageSize, CancellationToken cancellationToken = default) =>
                inner.ListAsync(query, after, pageSize, cancellationToken);
        }
    }
}
