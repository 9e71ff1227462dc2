using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Marketplace.Application.NgsiLd;
using Marketplace.Domain;

namespace Marketplace.Host.Features.NgsiLd;

/// <summary>
/// The feed's buffer as owner-only files under {DataDirectory}/ngsi-ld/{dataset}/, one pair per interval named by
/// its bounds in Unix seconds: <c>{start}-{end}.records</c> holds the records as JSON Lines (exactly what the upload
/// path reads), <c>{start}-{end}.log</c> one line per accepted notification (its id, arrival, record count and the
/// records file's length after it) and per publication attempt. A notification is appended records first, then
/// its log line, each flushed to disk before the next step: the log line is the commit, so on load a records
/// tail beyond the last logged length (a notification never answered) is cut away, as is a torn last log line.
/// A published interval keeps only its log, renamed <c>.published</c>, to recognise replays for the replay window.
/// The directory is this host's (like the upload spool); in a cluster each host publishes what it accepted.
/// </summary>
public sealed class NgsiLdFileBuffer(string dataDirectory, TimeSpan replayWindow) : INgsiLdBuffer
{
    private const string Records = ".records";
    private const string Log = ".log";
    private const string Published = ".published";

    private readonly string root = Path.Combine(dataDirectory, "ngsi-ld");
    private readonly ConcurrentDictionary<string, Lazy<Task<DatasetBuffer>>> loaded = new(StringComparer.Ordinal);

    public async Task<bool> HasNotificationAsync(string datasetId, string notificationId, CancellationToken cancellationToken = default)
    {
        var buffer = await LoadAsync(datasetId);
        lock (buffer)
        {
            return buffer.Ids.ContainsKey(notificationId);
        }
    }

    public async Task AppendAsync(string datasetId, DateTimeOffset start, DateTimeOffset end, string notificationId, DateTimeOffset arrivedAt,
        IReadOnlyList<string> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var buffer = await LoadAsync(datasetId);
        var name = NameOf(start, end);
        long committed;
        lock (buffer)
        {
            committed = buffer.Intervals.TryGetValue(name, out var open) ? open.Committed : 0;
        }
        long length;
        await using (var file = Open(Path.Combine(buffer.Directory, name + Records)))
        {
            if (file.Length > committed)
            {
                // What a failed append left after the last logged notification is not the next one's.
                file.SetLength(committed);
                file.Seek(committed, SeekOrigin.Begin);
            }
            var text = new StringBuilder();
            foreach (var record in records)
            {
                text.Append(record).Append('\n');
            }
            await file.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
            length = file.Length;
        }
        var entry = new LogLine(notificationId, arrivedAt, records.Count, length, null);
        await AppendLineAsync(Path.Combine(buffer.Directory, name + Log), entry, cancellationToken);
        lock (buffer)
        {
            var interval = buffer.Intervals.TryGetValue(name, out var known) ? known : buffer.Intervals[name] = new IntervalState(start, end);
            interval.Records += records.Count;
            interval.Notifications++;
            interval.Last = arrivedAt;
            interval.Committed = length;
            buffer.Ids[notificationId] = arrivedAt;
            buffer.Last = buffer.Last is { } last && last > arrivedAt ? last : arrivedAt;
        }
    }

    public async Task<IReadOnlyList<NgsiLdPendingInterval>> PendingAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        var buffer = await LoadAsync(datasetId);
        lock (buffer)
        {
            return [.. buffer.Intervals.Values.OrderBy(i => i.Start).ThenBy(i => i.End)
                .Select(i => new NgsiLdPendingInterval(i.Start, i.End, i.Records, i.Notifications, i.Last, [.. i.Attempts]))];
        }
    }

    public async Task<DateTimeOffset?> LastNotificationAtAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        var buffer = await LoadAsync(datasetId);
        lock (buffer)
        {
            return buffer.Last;
        }
    }

    public async Task<Stream> OpenRecordsAsync(string datasetId, DateTimeOffset start, CancellationToken cancellationToken = default)
    {
        var buffer = await LoadAsync(datasetId);
        var interval = Find(buffer, start);
        return new FileStream(Path.Combine(buffer.Directory, NameOf(interval.Start, interval.End) + Records), FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    public async Task BeginAttemptAsync(string datasetId, DateTimeOffset start, string revisionId, CancellationToken cancellationToken = default)
    {
        var buffer = await LoadAsync(datasetId);
        var interval = Find(buffer, start);
        await AppendLineAsync(Path.Combine(buffer.Directory, NameOf(interval.Start, interval.End) + Log), new LogLine(null, null, 0, 0, revisionId), cancellationToken);
        lock (buffer)
        {
            interval.Attempts.Add(revisionId);
        }
    }

    public async Task MarkPublishedAsync(string datasetId, DateTimeOffset start, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var buffer = await LoadAsync(datasetId);
        var interval = Find(buffer, start);
        var name = NameOf(interval.Start, interval.End);
        var log = Path.Combine(buffer.Directory, name + Log);
        if (File.Exists(log))
        {
            File.Move(log, Path.Combine(buffer.Directory, name + Published), overwrite: true);
        }
        File.Delete(Path.Combine(buffer.Directory, name + Records));
        lock (buffer)
        {
            buffer.Intervals.Remove(name);
        }
        Prune(buffer, now);
    }

    public Task<IReadOnlyList<string>> DatasetsWithPendingAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }
        IReadOnlyList<string> datasets = [.. Directory.EnumerateDirectories(root)
            .Where(d => Directory.EnumerateFiles(d, "*" + Log).Any())
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        return Task.FromResult(datasets);
    }

    private static IntervalState Find(DatasetBuffer buffer, DateTimeOffset start)
    {
        lock (buffer)
        {
            return buffer.Intervals.Values.FirstOrDefault(i => i.Start == start)
                ?? throw new InvalidOperationException($"No pending interval starts at {start:O}.");
        }
    }

    private Task<DatasetBuffer> LoadAsync(string datasetId)
    {
        if (!Identifiers.IsValidSlug(datasetId))
        {
            throw new ArgumentException($"'{datasetId}' is not a dataset id.", nameof(datasetId));
        }
        return loaded.GetOrAdd(datasetId, id => new Lazy<Task<DatasetBuffer>>(() => Task.Run(() => Recover(Path.Combine(root, id))))).Value;
    }

    /// <summary>Reads a dataset's buffer from disk, cutting away whatever a crash left half written.</summary>
    private DatasetBuffer Recover(string directory)
    {
        PrivateFile.CreateDirectory(root);
        PrivateFile.CreateDirectory(directory);
        var buffer = new DatasetBuffer(directory);
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Published))
        {
            foreach (var line in ReadLog(path).Where(l => l.Id is not null))
            {
                buffer.Ids[line.Id!] = line.At!.Value;
                buffer.Last = buffer.Last is { } last && last > line.At ? last : line.At;
            }
        }
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Log))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var (start, end) = BoundsOf(name);
            var interval = new IntervalState(start, end);
            long committed = 0;
            foreach (var line in ReadLog(path))
            {
                if (line.Attempt is { } attempt)
                {
                    interval.Attempts.Add(attempt);
                    continue;
                }
                interval.Records += line.Records;
                interval.Notifications++;
                interval.Last = line.At;
                committed = line.Length;
                buffer.Ids[line.Id!] = line.At!.Value;
                buffer.Last = buffer.Last is { } last && last > line.At ? last : line.At;
            }
            var records = Path.Combine(directory, name + Records);
            if (File.Exists(records) && new FileInfo(records).Length > committed)
            {
                using var file = new FileStream(records, FileMode.Open, FileAccess.Write);
                file.SetLength(committed);
                file.Flush(flushToDisk: true);
            }
            interval.Committed = committed;
            buffer.Intervals[name] = interval;
        }
        return buffer;
    }

    /// <summary>The complete lines of a log; a torn last line (no newline) is cut from the file.</summary>
    private static List<LogLine> ReadLog(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (complete < bytes.Length)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            file.SetLength(complete);
            file.Flush(flushToDisk: true);
        }
        var lines = new List<LogLine>();
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, complete).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lines.Add(JsonSerializer.Deserialize(line, NgsiLdBufferJson.Default.LogLine)!);
        }
        return lines;
    }

    private void Prune(DatasetBuffer buffer, DateTimeOffset now)
    {
        foreach (var path in Directory.EnumerateFiles(buffer.Directory, "*" + Published))
        {
            var (_, end) = BoundsOf(Path.GetFileNameWithoutExtension(path));
            if (end + replayWindow < now)
            {
                var ids = ReadLog(path).Where(l => l.Id is not null).Select(l => l.Id!).ToList();
                File.Delete(path);
                lock (buffer)
                {
                    ids.ForEach(id => buffer.Ids.Remove(id));
                }
            }
        }
    }

    private static async Task AppendLineAsync(string path, LogLine line, CancellationToken cancellationToken)
    {
        await using var file = Open(path);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, NgsiLdBufferJson.Default.LogLine);
        await file.WriteAsync(bytes.Append((byte)'\n').ToArray(), cancellationToken);
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile.OwnerOnly;
        }
        var file = new FileStream(path, options);
        file.Seek(0, SeekOrigin.End);
        return file;
    }

    private static string NameOf(DateTimeOffset start, DateTimeOffset end) =>
        string.Create(CultureInfo.InvariantCulture, $"{start.ToUnixTimeSeconds()}-{end.ToUnixTimeSeconds()}");

    private static (DateTimeOffset Start, DateTimeOffset End) BoundsOf(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return (DateTimeOffset.FromUnixTimeSeconds(long.Parse(name[..dash], CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(name[(dash + 1)..], CultureInfo.InvariantCulture)));
    }

    private sealed class DatasetBuffer(string directory)
    {
        public string Directory { get; } = directory;
        public Dictionary<string, IntervalState> Intervals { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, DateTimeOffset> Ids { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset? Last { get; set; }
    }

    private sealed class IntervalState(DateTimeOffset start, DateTimeOffset end)
    {
        public DateTimeOffset Start { get; } = start;
        public DateTimeOffset End { get; } = end;
        public long Records { get; set; }
        public long Notifications { get; set; }
        public DateTimeOffset? Last { get; set; }
        public long Committed { get; set; }
        public List<string> Attempts { get; } = [];
    }
}

/// <summary>One line of an interval's log: an accepted notification, or (with <see cref="Attempt"/>) a publication begun.</summary>
internal sealed record LogLine(string? Id, DateTimeOffset? At, long Records, long Length, string? Attempt);

[System.Text.Json.Serialization.JsonSerializable(typeof(LogLine))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class NgsiLdBufferJson : System.Text.Json.Serialization.JsonSerializerContext;
