using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Application.Access;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Federation;

/// <summary>
/// Relayed datasets read their pages at the partner city, under our relay contract there. The partner's
/// Idempotency-Key is derived from the local contract and usage event, so a local retry or replay is a replay at the
/// partner too: neither side meters a page twice, and two local buyers' keys never meet at the partner.
/// </summary>
public sealed class RelayedRecords(GrainReferences grains, PartnerRegistry partners, IPartnerMarketplace api) : IRelayedRecords
{
    /// <summary>Bound on the datasets remembered as held here (a dataset never becomes relayed later: the relay creates it).</summary>
    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, bool> _heldHere = new(StringComparer.Ordinal);

    public async ValueTask<IRecordRelay?> RelayOfAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        if (_heldHere.ContainsKey(datasetId))
        {
            return null;
        }
        var relay = await grains.Get<IRelayGrain>(datasetId).Get();
        if (relay is null)
        {
            if (_heldHere.Count >= MaxRemembered)
            {
                _heldHere.Clear();
            }
            _heldHere.TryAdd(datasetId, true);
            return null;
        }
        var partner = await grains.Get<IPartnerGrain>(relay.PartnerId).Get()
            ?? throw new DomainException(ErrorCodes.RelayNotActive,
                $"This offering was relayed from partner '{relay.PartnerId}', which the operator has since removed; nothing can be read under it now.");
        return new Relay(relay, partners.AddressOf(partner), api);
    }

    /// <summary>The Idempotency-Key sent to the partner for one local usage event of one local contract.</summary>
    public static string PartnerKeyOf(string contractId, string eventId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{contractId}\n{eventId}"));
        return "relay-" + Base64Url.EncodeToString(hash);
    }

    private sealed class Relay(RelayView relay, PartnerAddress partner, IPartnerMarketplace api) : IRecordRelay
    {
        public async Task<RelayedPage> ReadAsync(string contractId, string eventId, RecordQuery query, int readLimit, CancellationToken cancellationToken = default)
        {
            var page = await api.ReadPageAsync(partner, relay.PartnerContractId, query.Cursor?.Encode(), readLimit, query.Filters,
                PartnerKeyOf(contractId, eventId), cancellationToken);
            if (page.Records.Count > readLimit || string.IsNullOrEmpty(page.RevisionId) || page.RevisionId.Length > TextBounds.Code)
            {
                throw Garbage($"it answered {page.Records.Count} records for a limit of {readLimit}, or no revision");
            }
            long? next = null;
            if (page.NextCursor is not null)
            {
                RecordCursor cursor;
                try
                {
                    cursor = RecordCursor.Decode(page.NextCursor);
                }
                catch (DomainException)
                {
                    throw Garbage("its next cursor is not one this marketplace can page with");
                }
                if (cursor.RevisionId != page.RevisionId)
                {
                    throw Garbage("its next cursor pages another revision than the page it answered");
                }
                next = cursor.AfterSequence;
            }
            var records = new List<StoredRecord>(page.Records.Count);
            for (var i = 0; i < page.Records.Count; i++)
            {
                records.Add(new StoredRecord(query.AfterSequence + i + 1, null, page.Records[i]));
            }
            return new RelayedPage(page.RevisionId, new RecordPage(records, next));
        }

        private PartnerUnavailableException Garbage(string what) =>
            new(partner.PartnerId, $"Partner '{partner.Name}' answered a page that cannot be relayed ({what}); nothing was served or metered here.",
                TimeSpan.FromSeconds(30), badGateway: true);
    }
}
