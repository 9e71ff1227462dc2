using Marketplace.Storage;

namespace Marketplace.Application.Access;

/// <summary>A page read elsewhere: the revision it came from (named by its source) and its records.</summary>
public sealed record RelayedPage(string RevisionId, RecordPage Page);

/// <summary>
/// The seam between brokered access and where records live: a dataset's pages come from the local record store,
/// unless this says the dataset is relayed from elsewhere (a partner city). Authorization, metering and replays stay
/// in <see cref="AccessBroker"/> either way; only the read differs.
/// </summary>
public interface IRelayedRecords
{
    /// <summary>The relay of a dataset whose records are held elsewhere; null for one whose records are here.</summary>
    ValueTask<IRecordRelay?> RelayOfAsync(string datasetId, CancellationToken cancellationToken = default);
}

public interface IRecordRelay
{
    /// <summary>
    /// Reads one page for <paramref name="contractId"/>. The same <paramref name="eventId"/> with the same query is
    /// the same read at the source too (a replay there, never metered twice); it fails rather than answer part of a page.
    /// </summary>
    Task<RelayedPage> ReadAsync(string contractId, string eventId, RecordQuery query, int readLimit, CancellationToken cancellationToken = default);
}
