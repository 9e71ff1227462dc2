using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Benchmarks.Runner;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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
                // On a shared machine the load of other processes drifts: the raw insert is measured just before and just
                // after the ingest, and the ingest judged against the mean of the two.
                Func<bool, Func<Task>, Task<double?>> around = async (randomIds, ingest) =>
                {
                    var before = store == "sqlite" ? RawInsertRate(context, contractId, occurredAt, randomIds) : (double?)null;
                    await ingest();
                    return before is { } b ? (b + RawInsertRate(context, contractId, occurredAt, randomIds)) / 2 : null;
                };
                var orderedName = $"usage reports of {EventsPerReport:N0} events, ordered ids [{store}]";
                LoadResult? ordered = null;
                var orderedBaseline = await around(false, async () => ordered = await LoadAsync(context, orderedName, market.Uri, providerKey,
                    new UsageReportBodies(contractId, occurredAt, randomIds: false)));
                Add(context, orderedName, ordered!, orderedBaseline, judged: store == "sqlite");
                if (store == "sqlite")
                {
                    // The worst case for the ledger's unique (contract, event id) index: ids with no order at all (UUIDv4).
                    var randomName = $"usage reports of {EventsPerReport:N0} events, random ids [{store}]";
                    LoadResult? random = null;
                    var randomBaseline = await around(true, async () => random = await LoadAsync(context, randomName, market.Uri, providerKey,
                        new UsageReportBodies(contractId, occurredAt, randomIds: true)));
                    Add(context, randomName, random!, randomBaseline, judged: false);
                }
            }
            BenchHost.DeleteDataDirectory(data);
        }
    }

    private static Task<LoadResult> LoadAsync(BenchContext context, string name, Uri uri, string providerKey, UsageReportBodies bodies)
    {
        var json = new MediaTypeHeaderValue("application/json");
        return LoadGenerator.RunAsync(name, uri, Connections, context.Duration,
            async (c, w, i) =>
            {
                using var content = new ByteArrayContent(bodies.For(w, i));
                content.Headers.ContentType = json;
                using var response = await c.PostAsync("/api/v1/usage", content);
                return response.IsSuccessStatusCode;
            },
            c => c.DefaultRequestHeaders.Authorization = new("Bearer", providerKey), context.WarmUp);
    }

    private void Add(BenchContext context, string name, LoadResult result, double? baseline, bool judged)
    {
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
    /// statement reused and bound by position, on a connection as durable as the ledger's writer (WAL, synchronous = FULL).
    /// </summary>
    private static double RawInsertRate(BenchContext context, string contractId, DateTimeOffset occurredAt, bool randomIds)
    {
        var directory = BenchHost.NewDataDirectory();
        try
        {
            using var database = new SqliteDatabase(new SqliteStoreOptions { DataDirectory = directory });
            using var connection = database.OpenDurableConnection();
            var db = connection.Handle!;
            Check(db, raw.sqlite3_prepare_v2(db, """
                INSERT INTO usage_ledger (event_id, contract_id, period, units, occurred_at, recorded_at, source, fingerprint)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)
                """, out var insert));
            using (insert)
            {
                var period = occurredAt.ToString("yyyy'-'MM", CultureInfo.InvariantCulture);
                var occurred = occurredAt.ToString("O", CultureInfo.InvariantCulture);
                const string source = "provider:bench-provider";
                Span<byte> id = stackalloc byte[36];
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
                    for (var e = 0; e < EventsPerReport; e++)
                    {
                        if (randomIds)
                        {
                            Guid.NewGuid().TryFormat(id, out _);
                        }
                        else
                        {
                            id.Fill((byte)'0');
                            System.Text.Unicode.Utf8.TryWrite(id, CultureInfo.InvariantCulture, $"u-b-{batch:D12}-{e:D4}", out _);
                        }
                        raw.sqlite3_bind_text(insert, 1, id);
                        raw.sqlite3_bind_text(insert, 2, contractId);
                        raw.sqlite3_bind_text(insert, 3, period);
                        raw.sqlite3_bind_int64(insert, 4, 1);
                        raw.sqlite3_bind_text(insert, 5, occurred);
                        raw.sqlite3_bind_text(insert, 6, recorded);
                        raw.sqlite3_bind_text(insert, 7, source);
                        var step = raw.sqlite3_step(insert);
                        raw.sqlite3_reset(insert);
                        Check(db, step == raw.SQLITE_DONE ? raw.SQLITE_OK : step);
                    }
                    transaction.Commit();
                    rows += EventsPerReport;
                }
                return rows / clock.Elapsed.TotalSeconds;
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            BenchHost.DeleteDataDirectory(directory);
        }
    }

    private static void Check(sqlite3 db, int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite error {result}: {raw.sqlite3_errmsg(db).utf8_to_string()}");
        }
    }
}
