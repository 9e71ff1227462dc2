using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Marketplace.Benchmarks.BenchHttp;

namespace Marketplace.Benchmarks;

/// <summary>
/// Consent on every access (issue 10): the cost of the consent filter on a page of 1,000 personal records (the same
/// 1,000 rows fetched as private data, in the same run, are the baseline), and the time from a withdrawal's
/// acknowledgement to the buyer's next answer without the person.
/// </summary>
internal static class ConsentBench
{
    private const string Purpose = "academic-research";

    public sealed record Result(string Store, double PrivatePageMs, double PersonalPageMs, double WithdrawMs, double EffectMs, double EffectMaxMs, int Rounds);

    public static async Task<Result> RunAsync(string store, Uri baseUri, string dataDirectory, TimeSpan duration, int people = 1_000, int withdrawals = 50)
    {
        using var op = Client(baseUri, File.ReadAllText(Path.Combine(dataDirectory, "operator.key")).Trim());
        var bank = await PartyAsync(op, "bench-bank", "information-bank");
        var buyer = await PartyAsync(op, "bench-buyer", "buyer");
        using var b = Client(baseUri, bank);
        using var u = Client(baseUri, buyer);
        var subjects = Enumerable.Range(0, people).Select(i => $"subj-{i:D6}").ToList();
        var rows = "resident_id,age,hba1c\n" + string.Concat(subjects.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"{s},{20 + (i % 60)},{5 + (i % 10) / 10.0}\n")));

        // The baseline: the same rows as private data, no consent to check.
        await Json(await b.PostAsJsonAsync("/api/v1/datasets", Dataset("bench-private", "private")));
        await Json(await b.PostAsync("/api/v1/datasets/bench-private/revisions", new StringContent(rows, Encoding.UTF8, "text/csv")));
        var privateContract = await ContractAsync(b, u, "bench-private", approval: "automatic");

        await Json(await b.PostAsJsonAsync("/api/v1/datasets", Dataset("bench-personal", "personal")));
        await Json(await b.PostAsync("/api/v1/datasets/bench-personal/revisions", new StringContent(rows, Encoding.UTF8, "text/csv")));
        await Json(await b.PutAsJsonAsync("/api/v1/bank/reviews/bench-buyer", new { @class = "academic", purposes = new[] { Purpose }, note = "Bench." }));
        var personalContract = await ContractAsync(b, u, "bench-personal", approval: "provider");
        await Json(await b.PutAsJsonAsync("/api/v1/bank/notices/bench-notice", new
        {
            scope = "dataset:bench-personal", language = "en", title = "Bench", purposes = new[] { Purpose },
            recipients = new[] { new { @class = "academic", name = "Universities", country = "JP" } },
            retentionDays = 365, storageLocation = "Tokyo", benefit = "None", withdrawalMethod = "API", contact = "bench@example.jp",
        }));
        var persons = new List<(HttpClient Client, string ConsentId)>();
        foreach (var subject in subjects)
        {
            var registered = await Json(await b.PostAsJsonAsync("/api/v1/bank/subjects", new { subjectId = subject, displayName = subject }));
            var person = Client(baseUri, registered.GetProperty("apiKey").GetString()!);
            var consent = await Json(await person.PostAsJsonAsync("/api/v1/subjects/me/consents", new
            {
                noticeId = "bench-notice", purposes = new[] { Purpose }, recipientClasses = new[] { "academic" },
                expiresAt = DateTimeOffset.UtcNow.AddDays(30), sensitiveExplicit = true,
            }));
            persons.Add((person, consent.GetProperty("id").GetString()!));
        }

        var privateMs = await PageMillisecondsAsync(u, privateContract, duration, people);
        var personalMs = await PageMillisecondsAsync(u, personalContract, duration, people);

        // Withdrawal to effect: withdraw, then at once fetch; the person must be gone from that very answer.
        var withdraw = new List<double>();
        var effect = new List<double>();
        var expected = people;
        foreach (var (person, consentId) in persons.Take(withdrawals))
        {
            var clock = Stopwatch.StartNew();
            await Json(await person.PostAsync($"/api/v1/subjects/me/consents/{consentId}/withdraw", null));
            withdraw.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var page = await Json(await u.GetAsync($"/api/v1/contracts/{personalContract}/records?limit=1000"));
            effect.Add(clock.Elapsed.TotalMilliseconds);
            expected--;
            if (page.GetProperty("count").GetInt32() != expected)
            {
                throw new InvalidOperationException($"After a withdrawal the next page held {page.GetProperty("count").GetInt32()} records, not {expected}.");
            }
        }
        foreach (var (person, _) in persons)
        {
            person.Dispose();
        }
        return new Result(store, privateMs, personalMs, Median(withdraw), Median(effect), effect.Max(), effect.Count);
    }

    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"  [{r.Store}] page of 1,000 records: private {r.PrivatePageMs:F1} ms, personal with consent filter {r.PersonalPageMs:F1} ms " +
        $"(the filter costs {r.PersonalPageMs - r.PrivatePageMs:F1} ms a page); withdrawal answered in {r.WithdrawMs:F1} ms (median), " +
        $"the buyer's next page without the person {r.EffectMs:F1} ms after it (median, max {r.EffectMaxMs:F1} ms, {r.Rounds} rounds)");

    private static async Task<double> PageMillisecondsAsync(HttpClient buyer, string contract, TimeSpan duration, int people)
    {
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration || times.Count < 20)
        {
            var clock = Stopwatch.StartNew();
            var page = await Json(await buyer.GetAsync($"/api/v1/contracts/{contract}/records?limit=1000"));
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (page.GetProperty("count").GetInt32() != people)
            {
                throw new InvalidOperationException($"A page held {page.GetProperty("count").GetInt32()} records, not {people}.");
            }
        }
        return Median(times.Skip(5).ToList());
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static async Task<string> PartyAsync(HttpClient op, string id, string role) =>
        (await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id, role, name = id }))).GetProperty("apiKey").GetString()!;

    private static async Task<string> ContractAsync(HttpClient bank, HttpClient buyer, string dataset, string approval)
    {
        var offering = dataset + "-offer";
        await Json(await bank.PostAsJsonAsync("/api/v1/offerings", new
        {
            id = offering, datasetId = dataset, approval,
            pricing = new { model = "per-unit", currency = "JPY", amount = 1, unit = "record" },
            policy = new { purposes = new[] { Purpose } },
        }));
        await Json(await bank.PostAsync($"/api/v1/offerings/{offering}/publish", null));
        var contract = (await Json(await buyer.PostAsJsonAsync($"/api/v1/offerings/{offering}/contracts", new { purpose = Purpose }))).GetProperty("id").GetString()!;
        if (approval == "provider")
        {
            await Json(await bank.PostAsync($"/api/v1/contracts/{contract}/approve", null));
        }
        return contract;
    }

    private static object Dataset(string id, string cls) => new
    {
        id, @class = cls, title = "Consent bench", licence = "proprietary",
        schema = new
        {
            fields = new object[]
            {
                new { name = "resident_id", type = "string", required = true },
                new { name = "age", type = "integer", required = true },
                new { name = "hba1c", type = "number", required = true },
            },
            subjectField = cls == "personal" ? "resident_id" : null,
        },
        personal = cls == "personal" ? new { category = "health", items = new object[] { new { field = "age" }, new { field = "hba1c", sensitive = true } } } : null,
    };
}
