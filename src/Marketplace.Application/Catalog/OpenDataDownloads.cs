using System.Buffers;
using System.Text;
using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Catalog;

/// <summary>The file formats open data downloads in.</summary>
public enum DownloadFormat
{
    Csv,
    JsonLines,
}

/// <summary>A download that may start: the offering, the revision it streams, and the field order of its CSV header.</summary>
public sealed record OpenDataDownload(string OfferingId, string RevisionId, DatasetSchema Schema, DownloadFormat Format)
{
    public string FileName => $"{OfferingId}.{(Format == DownloadFormat.Csv ? "csv" : "jsonl")}";

    public string ContentType => Format == DownloadFormat.Csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
}

/// <summary>An offering's download counts per billing day, oldest first.</summary>
public sealed record DownloadCountReport(string OfferingId, long Total, IReadOnlyList<DailyDownloads> Days);

/// <summary>
/// Open data downloads: a listed public offering of public-class data, free and under an open licence, downloads
/// whole without an account, streamed from its dataset's current revision a page at a time, counted per billing
/// day and never metered or billed. What a caller may not see answers 404 exactly as the catalog does
/// (<see cref="CatalogBrowsing"/> decides).
/// </summary>
public sealed class OpenDataDownloads(CatalogBrowsing catalog, GrainReferences grains, IRecordStore records, BillingCalendar calendar)
{
    /// <summary>Records read from the store per page while streaming.</summary>
    public const int PageSize = 1_000;

    /// <summary>The licence that is not open; any other stated licence is.</summary>
    public const string ProprietaryLicence = "proprietary";

    /// <summary>Whether the entry downloads as open data (the offering page shows its links exactly then).</summary>
    public static bool IsDownloadable(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var offering = entry.Offering;
        return Tenancy.IsOfferedToAll(offering)
            && offering.DatasetClass == DatasetClass.Public
            && offering.Definition.Pricing.IsFree
            && entry.Dataset is { } dataset
            && dataset.Definition.Class == DatasetClass.Public
            && IsOpenLicence(dataset.Definition.Metadata.Licence)
            && dataset.CurrentRevision is not null;
    }

    public static bool IsOpenLicence(string? licence) =>
        !string.IsNullOrWhiteSpace(licence) && !string.Equals(licence.Trim(), ProprietaryLicence, StringComparison.OrdinalIgnoreCase);

    /// <summary>The format named in a request: "csv" or "jsonl" (any other answers 400).</summary>
    public static DownloadFormat ParseFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        "csv" => DownloadFormat.Csv,
        "jsonl" => DownloadFormat.JsonLines,
        _ => throw new DomainException(DomainErrorCode.InvalidField("format"), "Ask for 'format=csv' or 'format=jsonl'."),
    };

    /// <summary>
    /// Checks that the offering downloads and counts the download on today's billing day. Open data is the same
    /// for everyone, so it is looked up as an anonymous visitor sees it, whoever asks: the 404 the catalog answers
    /// when a visitor may not see it, and a 404 saying why when it is visible but not open data.
    /// </summary>
    public async Task<OpenDataDownload> StartAsync(string offeringId, DownloadFormat format)
    {
        var entry = await catalog.FindEntryAsync(null, offeringId)
            ?? throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{offeringId}'.");
        if (!IsDownloadable(entry))
        {
            throw new DomainException(ErrorCodes.OfferingNotDownloadable,
                $"Offering '{offeringId}' has no open-data download: only free, public offerings of public data under an open licence with a published revision download without a contract. Subscribe to it instead.");
        }
        var dataset = entry.Dataset!;
        var download = new OpenDataDownload(entry.Offering.Id, dataset.CurrentRevision!.RevisionId, dataset.Definition.Schema, format);
        await grains.Get<IDownloadCounterGrain>(entry.Offering.Id).Count(calendar.DayOf(calendar.Now));
        return download;
    }

    /// <summary>Streams the whole revision to <paramref name="output"/> a page at a time; memory stays one page.</summary>
    public async Task WriteAsync(OpenDataDownload download, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(download);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var csv = download.Format == DownloadFormat.Csv ? new CsvText([.. download.Schema.Fields.Select(f => f.Name)]) : null;
        csv?.WriteHeader(buffer);
        var after = 0L;
        while (true)
        {
            var page = await records.ReadPageAsync(download.RevisionId, after, PageSize, [], cancellationToken);
            foreach (var record in page.Records)
            {
                if (csv is not null)
                {
                    csv.WriteRecord(buffer, record.Json);
                }
                else
                {
                    Encoding.UTF8.GetBytes(record.Json, buffer);
                    buffer.Write("\n"u8);
                }
            }
            await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
            buffer.ResetWrittenCount();
            if (page.NextAfterSequence is not { } next)
            {
                break;
            }
            after = next;
        }
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>An offering's downloads per billing day, for the operator and the providing party (others: 404).</summary>
    public async Task<DownloadCountReport> CountsAsync(ApiPrincipal caller, string offeringId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var offering = Identifiers.IsValidSlug(offeringId) ? await grains.Get<IOfferingGrain>(offeringId).Get() : null;
        if (offering is null || !Tenancy.MayManage(caller, offering.ProviderId))
        {
            throw new DomainException(ErrorCodes.OfferingNotFound, $"There is no offering '{offeringId}'.");
        }
        var days = await grains.Get<IDownloadCounterGrain>(offering.Id).Days();
        return new DownloadCountReport(offering.Id, days.Sum(d => d.Downloads), days);
    }
}

/// <summary>
/// RFC 4180 CSV: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. A record's JSON
/// is read with <see cref="Utf8JsonReader"/> straight into the output, without a document per row.
/// </summary>
internal sealed class CsvText(IReadOnlyList<string> fields)
{
    private readonly byte[][] _names = [.. fields.Select(f => Encoding.UTF8.GetBytes(f))];
    private readonly (int Start, int Length)[] _slots = new (int, int)[fields.Count];
    private byte[] _json = new byte[4096];
    private byte[] _values = new byte[4096];

    public void WriteHeader(IBufferWriter<byte> output)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }
            WriteField(output, _names[i]);
        }
        output.Write("\r\n"u8);
    }

    /// <summary>One record's values in the schema's field order; a missing or null value is an empty field.</summary>
    public void WriteRecord(IBufferWriter<byte> output, string json)
    {
        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_json.Length < length)
        {
            _json = new byte[length];
        }
        if (_values.Length < length)
        {
            _values = new byte[length];
        }
        var utf8 = _json.AsSpan(0, Encoding.UTF8.GetBytes(json, _json));
        Array.Clear(_slots);
        var used = 0;
        var reader = new Utf8JsonReader(utf8);
        reader.Read(); // the record's object
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = -1;
            for (var i = 0; i < _names.Length && field < 0; i++)
            {
                field = reader.ValueTextEquals(_names[i]) ? i : -1;
            }
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
            if (field < 0 || reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }
            var written = reader.TokenType switch
            {
                JsonTokenType.String when !reader.ValueIsEscaped => Copy(reader.ValueSpan, used),
                JsonTokenType.String => reader.CopyString(_values.AsSpan(used)),
                JsonTokenType.EndObject or JsonTokenType.EndArray => Copy(utf8[start..(int)reader.BytesConsumed], used),
                _ => Copy(reader.ValueSpan, used),
            };
            _slots[field] = (used, written);
            used += written;
        }
        for (var i = 0; i < _slots.Length; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }
            WriteField(output, _values.AsSpan(_slots[i].Start, _slots[i].Length));
        }
        output.Write("\r\n"u8);
    }

    private int Copy(ReadOnlySpan<byte> value, int at)
    {
        value.CopyTo(_values.AsSpan(at));
        return value.Length;
    }

    private static void WriteField(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny(",\"\r\n"u8) < 0)
        {
            output.Write(value);
            return;
        }
        output.Write("\""u8);
        while (value.IndexOf((byte)'"') is var quote and >= 0)
        {
            output.Write(value[..(quote + 1)]);
            output.Write("\""u8);
            value = value[(quote + 1)..];
        }
        output.Write(value);
        output.Write("\""u8);
    }
}
