using System.Globalization;
using System.Text;

namespace Marketplace.Benchmarks.Scenarios;

/// <summary>
/// Request bodies serialised once: each worker has a template of a whole report whose ids are patched in place per
/// request (fixed-width digits, or a fresh UUID), so the load driver spends a copy per request, not a JSON writer.
/// </summary>
internal sealed class UsageReportBodies
{
    public const int EventsPerReport = 1_000;
    private const int IdLength = 36; // "u-w-iiiiiiiiii-eeee" padded, or a UUID's 36 characters
    private readonly byte[] template;
    private readonly int[] idOffsets = new int[EventsPerReport];
    private readonly bool randomIds;

    public UsageReportBodies(string contractId, DateTimeOffset occurredAt, bool randomIds)
    {
        this.randomIds = randomIds;
        var at = occurredAt.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
        var body = new StringBuilder("{\"events\":[");
        for (var e = 0; e < EventsPerReport; e++)
        {
            body.Append(e == 0 ? "" : ",").Append("{\"eventId\":\"");
            idOffsets[e] = body.Length; // every character is ASCII: one byte each
            body.Append('x', IdLength).Append("\",\"contractId\":\"").Append(contractId)
                .Append("\",\"units\":1,\"occurredAt\":\"").Append(at).Append("\"}");
        }
        template = Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    /// <summary>Worker <paramref name="worker"/>'s report number <paramref name="request"/> (negative while warming up).</summary>
    public byte[] For(int worker, long request)
    {
        var bytes = (byte[])template.Clone();
        Span<byte> id = stackalloc byte[IdLength];
        for (var e = 0; e < EventsPerReport; e++)
        {
            if (randomIds)
            {
                Guid.NewGuid().TryFormat(id, out _);
            }
            else
            {
                // Worker, then request, then event: ordered within each worker. Warm-up requests count down from -1.
                id.Fill((byte)'0');
                System.Text.Unicode.Utf8.TryWrite(id, CultureInfo.InvariantCulture,
                    $"u-{worker:D2}-{(request < 0 ? 'w' : 'r')}{Math.Abs(request):D12}-{e:D4}", out _);
            }
            id.CopyTo(bytes.AsSpan(idOffsets[e]));
        }
        return bytes;
    }
}
