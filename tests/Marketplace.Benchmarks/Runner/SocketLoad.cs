using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marketplace.Benchmarks.Runner;

/// <summary>
/// A GET request encoded once: the request line and headers as bytes, and optionally one header whose value is made
/// unique per request (<c>{prefix}{connection}-{n}</c>, e.g. an Idempotency-Key) written into a per-connection copy.
/// </summary>
public sealed class RequestTemplate
{
    private readonly byte[] _head;
    private readonly byte[] _tail;

    public RequestTemplate(Uri baseAddress, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, string? uniqueHeader = null, string uniquePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        Path = pathAndQuery;
        Headers = headers.ToList();
        UniqueHeader = uniqueHeader;
        UniquePrefix = uniquePrefix;
        var head = new StringBuilder();
        head.Append("GET ").Append(pathAndQuery).Append(" HTTP/1.1\r\nHost: ").Append(baseAddress.Authority).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (uniqueHeader is not null)
        {
            head.Append(uniqueHeader).Append(": ").Append(uniquePrefix);
            _tail = "\r\n\r\n"u8.ToArray();
        }
        else
        {
            head.Append("\r\n");
            _tail = [];
        }
        _head = Encoding.ASCII.GetBytes(head.ToString());
    }

    public string Path { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public string? UniqueHeader { get; }

    public string UniquePrefix { get; }

    /// <summary>A buffer for one connection, holding the fixed bytes; <see cref="Write"/> fills in the unique part.</summary>
    internal byte[] NewBuffer() => new byte[_head.Length + 48 + _tail.Length];

    internal int Write(byte[] buffer, int connection, long n)
    {
        _head.CopyTo(buffer, 0);
        var length = _head.Length;
        if (UniqueHeader is null)
        {
            return length;
        }
        Utf8Formatter.TryFormat(connection, buffer.AsSpan(length), out var written);
        length += written;
        buffer[length++] = (byte)'-';
        Utf8Formatter.TryFormat(n, buffer.AsSpan(length), out written);
        length += written;
        _tail.CopyTo(buffer, length);
        return length + _tail.Length;
    }
}

/// <summary>
/// A closed-loop HTTP/1.1 load driver on raw sockets, cheap enough not to be the bottleneck: N keep-alive connections,
/// each sending its next pre-encoded request when the last response has been read (Content-Length or chunked, parsed
/// minimally, bodies skipped), a warm-up, and a log-linear latency histogram for p50/p99. A response whose status is
/// not 2xx counts as a failure; a connection the server closes is opened again.
/// </summary>
public static class SocketLoad
{
    public const string DriverName = "socket driver";

    public static async Task<LoadResult> RunAsync(string name, Uri baseAddress, RequestTemplate request, int connections, TimeSpan duration, TimeSpan warmUp)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(request);
        var endpoint = new IPEndPoint(IPAddress.Parse(baseAddress.Host), baseAddress.Port);
        var workers = new Worker[connections];
        for (var i = 0; i < connections; i++)
        {
            workers[i] = new Worker(endpoint, request, i);
        }
        try
        {
            await Task.WhenAll(workers.Select(w => w.RunAsync(warmUp, measure: false)));
            var cpu = ProcessCpu.Seconds();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(workers.Select(w => w.RunAsync(duration, measure: true)));
            var seconds = clock.Elapsed.TotalSeconds;
            cpu = ProcessCpu.Seconds() - cpu;
            var histogram = new LatencyHistogram();
            long failures = 0;
            foreach (var w in workers)
            {
                histogram.Add(w.Latencies);
                failures += w.Failures;
            }
            return new LoadResult(name, histogram.Count, failures, seconds, histogram.Percentile(0.50), histogram.Percentile(0.99), DriverName, cpu);
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }
    }

    private sealed class Worker(IPEndPoint endpoint, RequestTemplate template, int index) : IDisposable
    {
        private readonly byte[] _request = template.NewBuffer();
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private Socket? _socket;
        private long _n;

        public LatencyHistogram Latencies { get; } = new();

        public long Failures { get; private set; }

        public async Task RunAsync(TimeSpan duration, bool measure)
        {
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                if (start >= until)
                {
                    return;
                }
                bool ok;
                try
                {
                    ok = await ExchangeAsync();
                }
                catch (SocketException)
                {
                    ok = false;
                    Reset();
                }
                catch (IOException)
                {
                    ok = false;
                    Reset();
                }
                if (measure)
                {
                    Latencies.Record(Stopwatch.GetTimestamp() - start);
                    if (!ok)
                    {
                        Failures++;
                    }
                }
            }
        }

        private async Task<bool> ExchangeAsync()
        {
            if (_socket is null)
            {
                _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await _socket.ConnectAsync(endpoint);
                _start = _end = 0;
            }
            var length = template.Write(_request, index, _n++);
            var sent = 0;
            while (sent < length)
            {
                sent += await _socket.SendAsync(_request.AsMemory(sent, length - sent), SocketFlags.None);
            }

            // Status line and headers.
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                await FillAsync();
            }
            var headers = _buffer.AsSpan(_start, headerEnd + 2);
            var status = (headers[9] - '0') * 100 + (headers[10] - '0') * 10 + (headers[11] - '0');
            long contentLength = 0;
            var chunked = false;
            var close = false;
            foreach (var range in headers.Split("\r\n"u8))
            {
                var line = headers[range];
                var colon = line.IndexOf((byte)':');
                if (colon < 0)
                {
                    continue;
                }
                var field = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                if (Ascii.EqualsIgnoreCase(field, "content-length"u8))
                {
                    Utf8Parser.TryParse(value, out contentLength, out _);
                }
                else if (Ascii.EqualsIgnoreCase(field, "transfer-encoding"u8))
                {
                    chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(field, "connection"u8))
                {
                    close = Ascii.EqualsIgnoreCase(value, "close"u8);
                }
            }
            _start += headerEnd + 4;

            if (chunked)
            {
                while (true)
                {
                    var line = await ReadLineAsync();
                    var size = line.IndexOf(';') is var semi and >= 0 ? line[..semi] : line;
                    var chunk = long.Parse(size, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                    if (chunk == 0)
                    {
                        // Trailers, if any, end with an empty line.
                        while ((await ReadLineAsync()).Length > 0)
                        {
                        }
                        break;
                    }
                    await SkipAsync(chunk + 2);
                }
            }
            else
            {
                await SkipAsync(contentLength);
            }
            if (close)
            {
                Reset();
            }
            return status is >= 200 and < 300;
        }

        private async ValueTask<string> ReadLineAsync()
        {
            int end;
            while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync();
            }
            var line = Encoding.ASCII.GetString(_buffer, _start, end);
            _start += end + 2;
            return line;
        }

        private async ValueTask SkipAsync(long count)
        {
            while (true)
            {
                var take = (int)Math.Min(count, _end - _start);
                _start += take;
                count -= take;
                if (count == 0)
                {
                    return;
                }
                await FillAsync();
            }
        }

        private async ValueTask FillAsync()
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _buffer.Length)
            {
                var kept = _end - _start;
                if (_start == 0)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                else
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, kept);
                    _start = 0;
                    _end = kept;
                }
            }
            var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("The server closed the connection in the middle of a response.");
            }
            _end += read;
        }

        private void Reset()
        {
            _socket?.Dispose();
            _socket = null;
            _start = _end = 0;
        }

        public void Dispose() => _socket?.Dispose();
    }
}

/// <summary>CPU time (user + system) this process has used so far.</summary>
public static class ProcessCpu
{
    public static double Seconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }
}

/// <summary>
/// Latencies in a log-linear histogram (64 sub-buckets per power of two of Stopwatch ticks: within about 1.6%),
/// constant memory however long the load runs.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private readonly long[] _counts = new long[64 << SubBits];

    public long Count { get; private set; }

    public void Record(long ticks)
    {
        _counts[Bucket(Math.Max(1, ticks))]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
    }

    /// <summary>The latency in milliseconds at quantile <paramref name="q"/> (the upper edge of its bucket).</summary>
    public double Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return UpperTicks(i) * 1000.0 / Stopwatch.Frequency;
            }
        }
        return UpperTicks(_counts.Length - 1) * 1000.0 / Stopwatch.Frequency;
    }

    private static int Bucket(long ticks)
    {
        var magnitude = 63 - (int)long.LeadingZeroCount(ticks);
        if (magnitude < SubBits)
        {
            return (int)ticks;
        }
        var shift = magnitude - SubBits;
        var sub = (int)(ticks >> shift) & ((1 << SubBits) - 1);
        return ((shift + 1) << SubBits) + sub;
    }

    private static long UpperTicks(int bucket)
    {
        var group = bucket >> SubBits;
        var sub = bucket & ((1 << SubBits) - 1);
        if (group == 0)
        {
            return sub;
        }
        var shift = group - 1;
        return (((long)(1 << SubBits) + sub + 1) << shift) - 1;
    }
}
