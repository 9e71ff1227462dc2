using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Errors;
using Marketplace.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Marketplace.Host.Features.Datasets;

/// <summary>
/// Takes a CSV or JSON Lines upload into a new revision. The body is spooled to an owner-only file under the
/// data directory (<see cref="UploadSpool"/>; so a slow client never holds a write transaction open and nothing
/// is held in memory), then parsed and
/// checked against the schema row by row and appended in batches to a staged revision. Any row that does
/// not fit rejects the whole revision: the staged rows are deleted and the errors listed by line.
/// </summary>
public sealed class RevisionUpload(IRecordStore records, IGrainFactory grains, BillingCalendar calendar, IOptions<MarketplaceOptions> options, IConsentIndex consents)
{
    private const int BatchSize = 1_000;
    private const int MaxListedErrors = 100;

    /// <summary>An upload sent as the whole request body (the API), typed by its Content-Type.</summary>
    public Task<DatasetRevision> UploadAsync(string providerId, DatasetView dataset, HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = options.Value.MaxUploadBytes + 1;
        }
        return UploadAsync(providerId, dataset, request.Body, request.ContentType, request.ContentLength, ct);
    }

    /// <summary>
    /// An upload from any stream (the API's body, or a file the provider console's form sent) typed by
    /// <paramref name="contentType"/>: the one path every revision takes. Throws <see cref="ApiProblemException"/>
    /// with the listed line errors when any row does not fit; nothing is then stored.
    /// </summary>
    public Task<DatasetRevision> UploadAsync(string providerId, DatasetView dataset, Stream body, string? contentType, long? length, CancellationToken ct) =>
        UploadAsync(providerId, dataset, body, contentType, length, Identifiers.NewId("rev"), ct);

    /// <summary>
    /// The same under a revision id the caller chose (the City OS feed notes it before it begins, so that after a
    /// crash it can tell whether this revision was committed and never publish the interval twice).
    /// </summary>
    public async Task<DatasetRevision> UploadAsync(string providerId, DatasetView dataset, Stream body, string? contentType, long? length, string revisionId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(body);
        var format = FormatOf(contentType);
        var limit = options.Value.MaxUploadBytes;
        if (length > limit)
        {
            throw TooLarge(limit);
        }

        var file = new UploadSpool(options.Value.DataDirectory).Create();
        var spool = file.Name;
        try
        {
            long bytes;
            await using (file)
            {
                bytes = await SpoolAsync(body, file, limit, ct);
            }
            var count = await LoadAsync(dataset, revisionId, spool, format, ct);
            var revision = new DatasetRevision(revisionId, count, bytes, calendar.Now, RevisionStatus.Published);
            await grains.GetGrain<IDatasetGrain>(dataset.Id).PublishRevision(providerId, revision);
            return revision;
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private static async Task<long> SpoolAsync(Stream body, FileStream file, long limit, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw TooLarge(limit);
            }
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    private async Task<long> LoadAsync(DatasetView dataset, string revisionId, string spool, UploadFormat format, CancellationToken ct)
    {
        var schema = dataset.Definition.Schema;
        await using var writer = await records.BeginRevisionAsync(dataset.Id, revisionId, ct);
        using var reader = new StreamReader(spool, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        var rows = format == UploadFormat.Csv ? RecordParser.ParseCsv(reader, schema) : RecordParser.ParseJsonLines(reader, schema);

        // One batch is written (on the store's writer thread) while the next is parsed and checked: at most two
        // batches are held, and the writer never sees two appends at once.
        Task? writing = null;
        try
        {
            var batch = new List<StoredRecord>(BatchSize);
            var errors = new List<string>();
            long errorCount = 0, sequence = 0;
            foreach (var row in rows)
            {
                if (row.Errors.Count > 0 || row.Json is null)
                {
                    errorCount += Math.Max(1, row.Errors.Count);
                    errors.AddRange(row.Errors.Take(MaxListedErrors - errors.Count));
                    continue;
                }
                if (errorCount > 0)
                {
                    continue; // keep validating to report every bad line, but write nothing more
                }
                batch.Add(new StoredRecord(++sequence, row.SubjectId, row.Json));
                if (batch.Count == BatchSize)
                {
                    if (writing is not null)
                    {
                        await writing;
                    }
                    writing = AppendAsync(writer, dataset, batch, ct);
                    batch = new List<StoredRecord>(BatchSize);
                }
            }
            if (writing is not null)
            {
                var written = writing;
                writing = null;
                await written;
            }
            if (errorCount == 0 && sequence == 0)
            {
                errorCount = 1;
                errors.Add("The upload holds no records.");
            }
            if (errorCount > 0)
            {
                await writer.AbortAsync(ct);
                var problem = ProblemMapping.Problem(ProblemMapping.StatusFor(ErrorCodes.RevisionRowsInvalid.Kind), "The upload does not fit the dataset's schema",
                    errorCount > errors.Count
                        ? $"{errorCount} problems found, the first {errors.Count} listed; the revision was rejected whole and nothing was stored. Fix the lines and upload again."
                        : $"{errorCount} problem(s) found; the revision was rejected whole and nothing was stored. Fix the listed lines and upload again.");
                problem.Extensions["code"] = ErrorCodes.RevisionRowsInvalid.Value;
                problem.Extensions["errorCount"] = errorCount;
                problem.Extensions["errors"] = errors;
                throw new ApiProblemException(problem);
            }
            if (batch.Count > 0)
            {
                await AppendAsync(writer, dataset, batch, ct);
            }
            return await writer.CommitAsync(ct);
        }
        finally
        {
            if (writing is not null)
            {
                // Left by an exception: the write in flight ends before the writer is disposed (which aborts the revision).
                await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task AppendAsync(IRevisionWriter writer, DatasetView dataset, List<StoredRecord> batch, CancellationToken ct) =>
        await writer.AppendAsync(await WithoutDeletedSubjectsAsync(dataset, batch, ct), ct);

    /// <summary>
    /// A person who asked their bank to delete their data stays deleted: their records are left out of every revision
    /// uploaded after the request, as they were removed from every revision stored before it.
    /// </summary>
    private async Task<IReadOnlyList<StoredRecord>> WithoutDeletedSubjectsAsync(DatasetView dataset, List<StoredRecord> batch, CancellationToken ct)
    {
        if (dataset.Definition.Class != DatasetClass.Personal)
        {
            return batch;
        }
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var subjects in batch.Select(r => r.SubjectId).OfType<string>().Distinct(StringComparer.Ordinal).Chunk(ConsentIndexLimits.MaxSubjectsPerLookup))
        {
            foreach (var entry in await consents.FindSubjectsAsync(dataset.ProviderId, subjects, ct))
            {
                if (entry.DeletionRequestedAt is not null)
                {
                    deleted.Add(entry.SubjectId);
                }
            }
        }
        return deleted.Count == 0 ? batch : [.. batch.Where(r => r.SubjectId is null || !deleted.Contains(r.SubjectId))];
    }

    private static UploadFormat FormatOf(string? contentType)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "text/csv" => UploadFormat.Csv,
            "application/x-ndjson" or "application/jsonl" or "application/jsonlines" or "application/x-jsonlines" => UploadFormat.JsonLines,
            _ => throw new DomainException(ErrorCodes.RevisionUnsupportedMediaType,
                $"Upload records as CSV (Content-Type: text/csv) or JSON Lines (Content-Type: application/x-ndjson), not '{contentType}'."),
        };
    }

    private static DomainException TooLarge(long limit) =>
        new(ErrorCodes.RevisionTooLarge, $"The upload is larger than the limit of {limit / (1 << 20)} MiB; split the data or ask the operator.");

    private enum UploadFormat
    {
        Csv,
        JsonLines,
    }
}
