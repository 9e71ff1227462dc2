using System.Net;
using System.Text;

namespace Marketplace.Host.Tests.Federation;

/// <summary>How the fake partner answers record pages.</summary>
public enum PartnerBehaviour
{
    Serves,
    Down,
    Refuses,
    Garbage,
    Huge,
}

/// <summary>
/// A partner city's marketplace as far as a relay sees it: one priced private offering ("bus-stops") and one of
/// personal data ("health"), contracts made at once, and record pages answered as <see cref="Behaviour"/> says.
/// </summary>
public sealed class FakePartner
{
    public PartnerBehaviour Behaviour { get; set; } = PartnerBehaviour.Serves;

    public int PagesServed { get; private set; }

    public HttpMessageHandler Handler() => new Answering(this);

    private sealed class Answering(FakePartner partner) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/records", StringComparison.Ordinal))
            {
                return Task.FromResult(Records(partner));
            }
            if (request.Method == HttpMethod.Post && path.EndsWith("/contracts", StringComparison.Ordinal))
            {
                return Task.FromResult(Json(HttpStatusCode.Created, Contract));
            }
            if (path == "/api/v1/contracts")
            {
                return Task.FromResult(Json(HttpStatusCode.OK, """{ "items": [], "next": null }"""));
            }
            if (path.EndsWith("/preview", StringComparison.Ordinal))
            {
                return Task.FromResult(Json(HttpStatusCode.OK,
                    """{ "offeringId": "bus-stops", "revisionId": "rev-1", "records": 3, "fields": [ { "name": "stop_id", "type": "string", "required": true } ], "rows": [] }"""));
            }
            if (path.StartsWith("/api/v1/offerings/", StringComparison.Ordinal))
            {
                var id = path["/api/v1/offerings/".Length..];
                return Task.FromResult(Json(HttpStatusCode.OK, Offering(id, id == "health" ? "personal" : "private")));
            }
            return Task.FromResult(Json(HttpStatusCode.NotFound, """{ "detail": "No such thing here." }"""));
        }

        private static HttpResponseMessage Records(FakePartner partner)
        {
            switch (partner.Behaviour)
            {
                case PartnerBehaviour.Down:
                    throw new HttpRequestException("Connection refused (partner.test:443)");
                case PartnerBehaviour.Refuses:
                    return Json(HttpStatusCode.Forbidden, """{ "status": 403, "detail": "Contract 'ctr-relay' is suspended by its provider.", "code": "access.not-permitted" }""");
                case PartnerBehaviour.Garbage:
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>maintenance</html>", Encoding.UTF8, "application/json") };
                case PartnerBehaviour.Huge:
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new EndlessContent() };
                default:
                    partner.PagesServed++;
                    return Json(HttpStatusCode.OK,
                        """{ "contractId": "ctr-relay", "revisionId": "rev-1", "records": [ { "stop_id": "S1" }, { "stop_id": "S2" } ], "count": 2, "nextCursor": null, "unitsMetered": 2 }""");
            }
        }

        private static string Offering(string id, string datasetClass) => $$"""
            { "id": "{{id}}", "providerId": "prv-b", "datasetId": "ds-b", "datasetClass": "{{datasetClass}}", "title": "Bus stops of city B",
              "description": "Every stop.", "pricing": { "model": "per-unit", "currency": "JPY", "amount": 2, "unit": "record", "unitBlock": 1 },
              "policy": { "purposes": [ "research" ] }, "visibility": "public", "buyers": [], "approval": "automatic", "status": "listed",
              "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z", "preview": true, "version": 1, "purposePrices": [] }
            """;

        private const string Contract = """
            { "id": "ctr-relay", "offeringId": "bus-stops", "datasetId": "ds-b", "buyerId": "city-a", "providerId": "prv-b", "datasetClass": "private",
              "purpose": "research", "status": "active", "pricing": { "model": "per-unit", "currency": "JPY", "amount": 2, "unit": "record", "unitBlock": 1 },
              "policy": { "purposes": [ "research" ] }, "requestedAt": "2026-11-01T00:00:00Z", "activatedAt": "2026-11-01T00:00:00Z", "endsAt": null, "history": [] }
            """;

        private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    /// <summary>An answer without a length that never ends (well, 64 MiB): only a bound on reading stops it.</summary>
    private sealed class EndlessContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            for (var i = 0; i < 1024; i++)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
