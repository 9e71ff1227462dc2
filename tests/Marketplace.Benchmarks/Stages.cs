using System.Diagnostics;
using System.Globalization;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Benchmarks;

/// <summary>Where a brokered fetch spends its time: each stage alone, sequentially, after warm-up.</summary>
public static class Stages
{
    private const int Iterations = 2_000;

    public static async Task MeasureAsync(IServiceProvider services, string contractId)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var store = services.GetRequiredService<IRecordStore>();
        var calendar = services.GetRequiredService<BillingCalendar>();
        var contract = grains.GetGrain<IContractGrain>(contractId);
        var grant = await contract.Authorize("bench-buyer", 10, "stage-hold");
        var dataset = (await grains.GetGrain<IDatasetGrain>(grant.DatasetId).Get())!;
        var revision = dataset.CurrentRevision!.RevisionId;
        var meter = grains.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(contractId));
        var ledger = services.GetRequiredService<IUsageLedger>();

        Console.WriteLine("stage (sequential)                              µs/op");
        await Time("contract.Authorize (grain call)", () => contract.Authorize("bench-buyer", 10, "stage-hold"));
        await Time("dataset.Get (grain call)", () => grains.GetGrain<IDatasetGrain>(grant.DatasetId).Get());
        await Time("record store: read 10-record page", () => store.ReadPageAsync(revision, 0, 10, []));
        await Time("ledger.Append (one durable commit)", i => ledger.AppendAsync(
            [new UsageRecord($"stage-ledger-{i}", "stage-contract", grant.Period, 1, calendar.Now, calendar.Now, "bench", null)]));
        await Time("meter.Record (grain + durable commit)", i => meter.Record(new UsageEvent($"stage-{i}", 10, calendar.Now, "bench", null)));
        Console.WriteLine();
    }

    private static Task Time(string name, Func<Task> op) => Time(name, _ => op());

    private static async Task Time(string name, Func<int, Task> op)
    {
        for (var i = 0; i < 200; i++)
        {
            await op(-1 - i);
        }
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            await op(i);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-46} {clock.Elapsed.TotalMicroseconds / Iterations,8:N1}"));
    }
}
