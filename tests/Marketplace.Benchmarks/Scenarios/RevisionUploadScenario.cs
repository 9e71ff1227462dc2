using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Marketplace.Benchmarks.Runner;
using Marketplace.Domain;
using Marketplace.Host.Tests;
using nietras.SeparatedValues;
using static Marketplace.Benchmarks.BenchHttp;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// P8: a provider uploads a new revision of 1.5 million rows, once as CSV and once as JSON Lines, through the real API
/// of a marketplace running as its own process (so its peak resident memory is the host's alone). The baseline is the
/// raw parse rate of the same file in the same run: the bytes split into fields by the fastest of three CSV parsers
/// (our reader, Sep, CsvHelper; each compared here too), or into JSON tokens by Utf8JsonReader, with no validation and
/// no storage.
/// </summary>
internal sealed class RevisionUploadScenario : IScenario
{
    private const string Header = "stop_id,name,district,lat,lon,boardings,day,accessible";
    private const int WarmUpRows = 20_000;

    public string Id => "P8";

    public string Title => "revision upload, CSV and JSON Lines";

    public async Task RunAsync(BenchContext context)
    {
        var rows = context.Size("MARKETPLACE_BENCH_UPLOAD_ROWS", 1_500_000, 20_000);
        var work = Path.Combine(Path.GetTempPath(), "marketplace-bench", "p8-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var csv = Path.Combine(work, "rows.csv");
            var jsonl = Path.Combine(work, "rows.jsonl");
            WriteFiles(csv, jsonl, rows);
            var mib = new FileInfo(csv).Length / (1024.0 * 1024.0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {rows:N0} rows: CSV {mib:N1} MiB, JSON Lines {new FileInfo(jsonl).Length / (1024.0 * 1024.0):N1} MiB"));

            // The parsers on the same file, in turn, three passes each (the machine is shared: a burst of other work
            // should not land on one parser only); the best pass of each counts.
            var parsers = new (string Name, Func<string, long> Parse)[]
            {
                ("our CSV reader (CsvRowReader)", ParseWithOurReader),
                ("Sep 0.17.1", ParseWithSep),
                ("CsvHelper 34.0.0", ParseWithCsvHelper),
            };
            var passes = new ParseResult[parsers.Length];
            for (var pass = 0; pass < 3; pass++)
            {
                for (var p = 0; p < parsers.Length; p++)
                {
                    var result = Time(csv, parsers[p].Parse);
                    passes[p] = pass == 0 ? result : Best(passes[p], result);
                }
            }
            var results = parsers.Select((p, i) => (p.Name, Result: passes[i])).ToList();
            if (results.Select(r => r.Result.Checksum).Distinct().Count() != 1)
            {
                throw new InvalidOperationException("The CSV parsers disagree on the fields: " + string.Join(", ", results.Select(r => $"{r.Name} {r.Result.Checksum}")));
            }
            var best = results.MaxBy(r => r.Result.Seconds > 0 ? rows / r.Result.Seconds : 0);
            var bestRate = rows / best.Result.Seconds;
            foreach (var (name, result) in results)
            {
                context.Report.Add(new BenchRow(Id, $"CSV parse to field strings, {name}", rows / result.Seconds, "rows/s",
                    BaselineMeasure: $"fastest parser ({best.Name})", BaselineValue: bestRate,
                    Note: string.Create(CultureInfo.InvariantCulture, $"{result.AllocatedBytes / (double)rows:N0} bytes allocated per row, {result.AllocatedBytes / (1024.0 * 1024.0):N0} MiB in all")));
            }
            var json = Best(Time(jsonl, ParseJsonLines), Time(jsonl, ParseJsonLines));
            var jsonRate = rows / json.Seconds;

            // What the upload does before storage, in this process: parse and check every row, write its canonical JSON.
            foreach (var (format, file, parse, baseline, baselineName) in new[]
            {
                ("CSV", csv, (Func<TextReader, IEnumerable<ParsedRecord>>)(r => RecordParser.ParseCsv(r, Schema)), bestRate, $"raw CSV parse ({best.Name})"),
                ("JSON Lines", jsonl, r => RecordParser.ParseJsonLines(r, Schema), jsonRate, "raw JSON Lines parse (Utf8JsonReader)"),
            })
            {
                var check = Best(Time(file, f => Check(f, parse)), Time(file, f => Check(f, parse)));
                context.Report.Add(new BenchRow(Id, $"{format} parsed and checked against the schema, canonical JSON, no storage (in the driver)", rows / check.Seconds, "rows/s",
                    BaselineMeasure: baselineName, BaselineValue: baseline,
                    Note: string.Create(CultureInfo.InvariantCulture, $"{check.AllocatedBytes / (double)rows:N0} bytes allocated per row")));
            }

            var data = BenchHost.NewDataDirectory();
            await using (var host = await HostProcess.StartAsync(data, [.. UnthrottledArguments(), "--Marketplace:MaxUploadBytes=4294967296"]))
            {
                var providerKey = await ArrangeDatasetAsync(new Uri(host.BaseUrl), host.OperatorKey);
                // A small upload of each format first, so the figures are of the upload path and not of its JIT compilation.
                var warmCsv = Path.Combine(work, "warm.csv");
                var warmJsonl = Path.Combine(work, "warm.jsonl");
                WriteFiles(warmCsv, warmJsonl, WarmUpRows);
                await UploadAsync(new Uri(host.BaseUrl), providerKey, warmCsv, "text/csv", WarmUpRows);
                await UploadAsync(new Uri(host.BaseUrl), providerKey, warmJsonl, "application/x-ndjson", WarmUpRows);
                foreach (var (format, file, mediaType, baseline, baselineName) in new[]
                {
                    ("CSV", csv, "text/csv", bestRate, $"raw CSV parse ({best.Name})"),
                    ("JSON Lines", jsonl, "application/x-ndjson", jsonRate, "raw JSON Lines parse (Utf8JsonReader)"),
                })
                {
                    var atRest = ResidentMemory.CurrentMiB(host.ProcessId);
                    ResidentMemory.ResetPeak(host.ProcessId);
                    // CPU time the host spent, which other work on a shared machine disturbs far less than the wall clock.
                    var cpu = CpuTime(host.ProcessId);
                    var seconds = await UploadAsync(new Uri(host.BaseUrl), providerKey, file, mediaType, rows);
                    var cpuMsPerThousand = (CpuTime(host.ProcessId) - cpu).TotalMilliseconds * 1_000 / rows;
                    var peak = ResidentMemory.PeakMiB(host.ProcessId);
                    context.Report.Add(new BenchRow(Id, string.Create(CultureInfo.InvariantCulture, $"upload of {rows:N0} rows as {format} [sqlite, host process]"), rows / seconds, "rows/s",
                        PeakRssMiB: peak, BaselineMeasure: baselineName, BaselineValue: baseline,
                        Note: string.Create(CultureInfo.InvariantCulture, $"{seconds:N1} s, host CPU {cpuMsPerThousand:N1} ms per 1,000 rows; host RSS {atRest:N0} MiB before, peak {peak:N0} MiB ({peak - atRest:+0;-0} MiB) for a {new FileInfo(file).Length / (1024.0 * 1024.0):N0} MiB file")));
                }
            }
            BenchHost.DeleteDataDirectory(data);
        }
        finally
        {
            BenchHost.DeleteDataDirectory(work);
        }
    }

    private static readonly DatasetSchema Schema = new(
    [
        new SchemaField("stop_id", FieldType.String, true), new SchemaField("name", FieldType.String, false),
        new SchemaField("district", FieldType.String, false), new SchemaField("lat", FieldType.Number, false),
        new SchemaField("lon", FieldType.Number, false), new SchemaField("boardings", FieldType.Integer, false),
        new SchemaField("day", FieldType.Date, false), new SchemaField("accessible", FieldType.Boolean, false),
    ], null);

    private static long Check(string path, Func<TextReader, IEnumerable<ParsedRecord>> parse)
    {
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        long checksum = 0;
        foreach (var record in parse(text))
        {
            checksum += record.IsValid ? record.Json!.Length : throw new InvalidOperationException(string.Join("; ", record.Errors));
        }
        return checksum;
    }

    private static TimeSpan CpuTime(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime;
    }

    public static IEnumerable<string> UnthrottledArguments()
    {
        foreach (var limit in new[] { "PerAddress", "PerKey", "SignInPerAddress" })
        {
            yield return $"--Marketplace:RateLimits:{limit}:Burst=1000000";
            yield return $"--Marketplace:RateLimits:{limit}:TokensPerPeriod=1000000";
        }
    }

    /// <summary>The same rows as CSV and as JSON Lines, written straight to disk; every tenth name is quoted and holds a comma.</summary>
    private static void WriteFiles(string csvPath, string jsonlPath, int rows)
    {
        using var csv = new StreamWriter(csvPath, false, new UTF8Encoding(false), 1 << 16);
        using var jsonl = new StreamWriter(jsonlPath, false, new UTF8Encoding(false), 1 << 16);
        csv.Write(Header);
        csv.Write('\n');
        string[] districts = ["north", "south", "east", "west", "harbor"];
        for (var i = 0; i < rows; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"S{i:D7}");
            var name = i % 10 == 0 ? $"Stop {i}, gate {i % 7}" : $"Stop {i}";
            var district = districts[i % districts.Length];
            var lat = 35 + (i % 100_000) / 1_000_000.0;
            var lon = 139 + (i % 77_777) / 1_000_000.0;
            var boardings = i % 5_000;
            var day = new DateOnly(2026, 1, 1).AddDays(i % 300).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var accessible = i % 3 == 0 ? "true" : "false";
            csv.Write(string.Create(CultureInfo.InvariantCulture,
                $"{id},{(i % 10 == 0 ? $"\"{name}\"" : name)},{district},{lat:R},{lon:R},{boardings},{day},{accessible}\n"));
            jsonl.Write(string.Create(CultureInfo.InvariantCulture,
                $"{{\"stop_id\":\"{id}\",\"name\":\"{name}\",\"district\":\"{district}\",\"lat\":{lat:R},\"lon\":{lon:R},\"boardings\":{boardings},\"day\":\"{day}\",\"accessible\":{accessible}}}\n"));
        }
    }

    private readonly record struct ParseResult(double Seconds, long AllocatedBytes, long Checksum);

    private static ParseResult Best(ParseResult a, ParseResult b) => a.Seconds <= b.Seconds ? a : b;

    private static ParseResult Time(string path, Func<string, long> parse)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var checksum = parse(path);
        var seconds = clock.Elapsed.TotalSeconds;
        return new ParseResult(seconds, GC.GetAllocatedBytesForCurrentThread() - allocated, checksum);
    }

    // Each parser turns every field of every data row into a string (what validation reads); the checksum adds up the
    // rows and the lengths of their fields, so the three must agree on what they read.
    private static long ParseWithOurReader(string path)
    {
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        var reader = new CsvRowReader(text);
        long checksum = 0;
        _ = reader.ReadRow(); // the header
        while (reader.ReadRow() is { } row)
        {
            checksum++;
            foreach (var field in row.Fields)
            {
                checksum += field.Length;
            }
        }
        return checksum;
    }

    private static long ParseWithSep(string path)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(path);
        long checksum = 0;
        foreach (var row in reader)
        {
            checksum++;
            for (var i = 0; i < row.ColCount; i++)
            {
                checksum += row[i].ToString().Length;
            }
        }
        return checksum;
    }

    private static long ParseWithCsvHelper(string path)
    {
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { Separator = ',' }, FileOptions.SequentialScan);
        long checksum = 0;
        while (reader.Read())
        {
            checksum++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                checksum += reader.GetString(i).Length;
            }
        }
        return checksum;
    }

    /// <summary>Every line through Utf8JsonReader, token by token: what any JSON Lines reader must at least do.</summary>
    private static long ParseJsonLines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        var filled = 0;
        long checksum = 0;
        while (true)
        {
            var read = file.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var consumed = 0;
            while (consumed < filled)
            {
                var end = buffer.AsSpan(consumed, filled - consumed).IndexOf((byte)'\n');
                if (end < 0 && read > 0)
                {
                    break; // the rest of this line comes with the next read
                }
                var line = buffer.AsSpan(consumed, end < 0 ? filled - consumed : end);
                consumed += line.Length + 1;
                var json = new Utf8JsonReader(line);
                checksum++;
                while (json.Read())
                {
                    if (json.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False)
                    {
                        checksum += json.ValueSpan.Length;
                    }
                }
            }
            if (read == 0)
            {
                return checksum;
            }
            consumed = Math.Min(consumed, filled);
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }
    }

    private static async Task<string> ArrangeDatasetAsync(Uri baseUri, string operatorKey)
    {
        using var op = Client(baseUri, operatorKey);
        var provider = await Json(await op.PostAsJsonAsync("/api/v1/parties", new { id = "upload-provider", role = "provider", name = "Upload provider" }));
        var key = provider.GetProperty("apiKey").GetString()!;
        using var p = Client(baseUri, key);
        await Json(await p.PostAsJsonAsync("/api/v1/datasets", new
        {
            id = "bus-stop-boardings", @class = "private", title = "Bus stop boardings", licence = "proprietary",
            schema = new
            {
                fields = new object[]
                {
                    new { name = "stop_id", type = "string", required = true }, new { name = "name", type = "string" },
                    new { name = "district", type = "string" }, new { name = "lat", type = "number" }, new { name = "lon", type = "number" },
                    new { name = "boardings", type = "integer" }, new { name = "day", type = "date" }, new { name = "accessible", type = "boolean" },
                },
            },
        }));
        return key;
    }

    private static async Task<double> UploadAsync(Uri baseUri, string providerKey, string file, string mediaType, int rows)
    {
        using var client = Client(baseUri, providerKey);
        client.Timeout = TimeSpan.FromMinutes(10);
        await using var body = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var content = new StreamContent(body, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        content.Headers.ContentLength = body.Length;
        var clock = Stopwatch.StartNew();
        var revision = await Json(await client.PostAsync("/api/v1/datasets/bus-stop-boardings/revisions", content));
        var seconds = clock.Elapsed.TotalSeconds;
        var stored = revision.GetProperty("records").GetInt64();
        return stored == rows ? seconds : throw new InvalidOperationException($"The upload stored {stored:N0} records of {rows:N0}.");
    }
}
