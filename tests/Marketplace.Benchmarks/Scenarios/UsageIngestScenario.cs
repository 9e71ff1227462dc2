using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Benchmarks.Runner;
using Marketplace.Storage.Sqlite;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P2: provider usage ingestion, reports of 1,000 events with unique ids, durable before the reply; against the raw
/// store's own batched ordered insert of the same rows (same table and indexes, same batch size, same durability),
/// measured in the same run.
/// </summary>
internal sealed class UsageIngestScenario : IScenario
{
    private const int EventsPerReport = 1_000;
    private const int Connections = 8;

    public string Id => "P2";

    public string Title => "provider usage ingestion, batched, idempotent, durable";

    public async Task RunAsync(BenchContext context)
    {
        foreach (var (store, configure) in context.Stores())
        {
            var data = BenchHost.NewDataDirectory();
            await using (var market = await BenchHost.StartMarketAsync(data, b => { BenchHost.Unthrottled(b); configure(b); }))
            {
                var (_, providerKey, contractId) = await BenchHost.ArrangeContractAsync(market.Uri, data);
                var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1);
                double? ordered = null, random = null;
                if (store == "sqlite")
                {
                    ordered = RawInsertRate(context, contractId, occurredAt, randomIds: false);
                    random = RawInsertRate(context, contractId, occurredAt, randomIds: true);
                }
                await MeasureAsync(context, $"usage reports of {EventsPerReport:N0} events, ordered ids [{store}]", market.Uri, providerKey,
                    new UsageReportBodies(contractId, occurredAt, randomIds: false), ordered, store == "sqlite");
                if (store == "sqlite")
                {
                    // The worst case for the ledger's unique (contract, event id) index: ids with no order at all (UUIDv4).
                    await MeasureAsync(context, $"usage reports of {EventsPerReport:N0} events, random ids [{store}]", market.Uri, providerKey,
                        new UsageReportBodies(contractId, occurredAt, randomIds: true), random, judged: false);
                }
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }

    private async Task MeasureAsync(BenchContext context, string name, Uri uri, string providerKey, UsageReportBodies bodies, double? baseline, bool judged)
    {
        var json = new MediaTypeHeaderValue("application/json");
        var result = await LoadGenerator.RunAsync(name, uri, Connections, context.Duration,
            async (c, w, i) =>
            {
                using var content = new ByteArrayContent(bodies.For(w, i));
                content.Headers.ContentType = json;
                using var response = await c.PostAsync("/api/v1/usage", content);
                return response.IsSuccessStatusCode;
            },
            c => c.DefaultRequestHeaders.Authorization = new("Bearer", providerKey), context.WarmUp);
        var perSecond = result.RequestsPerSecond * EventsPerReport;
        var ratio = baseline is > 0 ? perSecond / baseline.Value : (double?)null;
        context.Report.Add(new BenchRow(Id, name, perSecond, "events/s", result.P50Ms, result.P99Ms,
            BaselineMeasure: baseline is null ? null : $"raw SQLite insert of the same rows, {EventsPerReport:N0} per transaction, WAL, synchronous=FULL",
            BaselineValue: baseline,
            Target: judged ? "≥ 300,000 events/s and ≥ 90% of the raw insert" : "",
            Met: judged ? context.Judge(result.Failures == 0 && perSecond >= 300_000 && ratio >= 0.9) : null,
            Note: result.Failures > 0 ? $"{result.Failures:N0} reports failed" : null));
    }

    /// <summary>
    /// The store's own best: the same rows straight into the ledger's table of a fresh database made by the product's
    /// schema (so the same indexes), one transaction of <see cref="EventsPerReport"/> rows per batch, one prepared
    /// statement reused, on a connection as durable as the ledger's writer (WAL, synchronous = FULL).
    /// </summary>
    private static double RawInsertRate(BenchContext context, string contractId, DateTimeOffset occurredAt, bool randomIds)
    {
        var directory = BenchHost.NewDataDirectory();
        try
        {
            using var database = new SqliteDatabase(new SqliteStoreOptions { DataDirectory = directory });
            using var connection = database.OpenDurableConnection();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO usage_ledger (event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint)
                VALUES ($event, $contract, $period, $units, $occurred, $recorded, $source, NULL)
                """;
            var p = new[] { "$event", "$contract", "$period", "$units", "$occurred", "$recorded", "$source" }
                .Select(name => insert.Parameters.Add(name, name == "$units" ? Microsoft.Data.Sqlite.SqliteType.Integer : Microsoft.Data.Sqlite.SqliteType.Text))
                .ToArray();
            var period = occurredAt.ToString("yyyy'-'MM", CultureInfo.InvariantCulture);
            var occurred = occurredAt.ToString("O", CultureInfo.InvariantCulture);
            var source = "provider:bench-provider";
            long rows = 0;
            var warmUpUntil = Stopwatch.GetTimestamp() + (long)(context.WarmUp.TotalSeconds * Stopwatch.Frequency);
            Stopwatch? clock = null;
            for (long batch = 0; clock is null || clock.Elapsed < context.Duration; batch++)
            {
                if (clock is null && Stopwatch.GetTimestamp() >= warmUpUntil)
                {
                    clock = Stopwatch.StartNew();
                    rows = 0;
                }
                var recorded = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                using var transaction = connection.BeginTransaction(deferred: false);
                insert.Transaction = transaction;
                if (batch == 0)
                {
                    insert.Prepare();
                }
                for (var e = 0; e < EventsPerReport; e++)
                {
                    p[0].Value = randomIds ? Guid.NewGuid().ToString() : string.Create(CultureInfo.InvariantCulture, $"u-b-{batch:D10}-{e:D4}");
                    p[1].Value = contractId;
                    p[2].Value = period;
                    p[3].Value = 1L;
                    p[4].Value = occurred;
                    p[5].Value = recorded;
                    p[6].Value = source;
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
                rows += EventsPerReport;
            }
            return rows / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            BenchHost.DeleteDataDirectory(directory);
        }
    }
}
