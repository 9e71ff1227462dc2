using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Samples.Tests.Support;

/// <summary>
/// Answers the marketplace API in memory the way the specification describes, and records every request,
/// so the seeder can be tested without a host.
/// </summary>
internal sealed class FakeMarketplace : HttpMessageHandler
{
    private readonly List<Exchange> exchanges = [];
    private readonly Dictionary<string, string> approvals = new(StringComparer.Ordinal);
    private int contracts;

    public sealed record Exchange(string Method, string Path, string? ApiKey, string? ContentType, string Body);

    /// <summary>Datasets the store holds before the test starts.</summary>
    public List<string> ExistingDatasets { get; } = [];

    /// <summary>A path that answers with a validation problem instead of success.</summary>
    public string? FailingPath { get; init; }

    public IReadOnlyList<Exchange> Exchanges => exchanges;

    public static string KeyOf(string partyId) => "key_" + partyId.Replace('-', '_');

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://marketplace.test/") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        var method = request.Method.Method;
        exchanges.Add(new(method, path, request.Headers.Authorization?.Parameter, request.Content?.Headers.ContentType?.ToString(), body));

        if (path == FailingPath)
        {
            return Answer(HttpStatusCode.UnprocessableEntity, new
            {
                type = "https://marketplace.test/problems/rows",
                title = "Rows do not fit the schema",
                status = 422,
                detail = "2 rows were refused.",
                errors = new[] { new { line = 3, message = "lat is not a number" } },
            });
        }

        var segments = path.Split('/');
        return (method, segments[2..]) switch
        {
            ("GET", ["datasets"]) => Answer(HttpStatusCode.OK, new { items = ExistingDatasets.Select(id => new { id, @class = "public", title = id }) }),
            ("POST", ["parties"]) => Created(body, node => node["apiKey"] = KeyOf((string)node["id"]!)),
            ("POST", ["datasets"]) => Created(body),
            ("POST", ["datasets", _, "revisions"]) => Answer(HttpStatusCode.Created, new
            {
                revisionId = "rev-1",
                records = body.Count(c => c == '\n') - (request.Content!.Headers.ContentType!.MediaType == "text/csv" ? 1 : 0),
                bytes = Encoding.UTF8.GetByteCount(body),
            }),
            ("POST", ["offerings"]) => Created(body, node =>
            {
                approvals[(string)node["id"]!] = (string)node["approval"]!;
                node["status"] = "draft";
            }),
            ("POST", ["offerings", var id, "publish"]) => Answer(HttpStatusCode.OK, new { id, status = "listed" }),
            ("POST", ["offerings", var offering, "contracts"]) => Answer(HttpStatusCode.Created, new
            {
                id = $"contract-{++contracts}",
                offeringId = offering,
                buyerId = "buyer",
                providerId = "provider",
                status = approvals[offering] == "provider" ? "Requested" : "Active",
                purpose = (string)JsonNode.Parse(body)!["purpose"]!,
            }),
            ("POST", ["contracts", var id, "approve"]) => Answer(HttpStatusCode.OK, new
            {
                id, offeringId = "offering", buyerId = "buyer", providerId = "provider", status = "Active", purpose = "research",
            }),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        };
    }

    private static HttpResponseMessage Created(string body, Action<JsonObject>? complete = null)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        complete?.Invoke(node);
        return Answer(HttpStatusCode.Created, node);
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, object body) => new(status)
    {
        Content = new StringContent(
            JsonSerializer.Serialize(body, JsonSerializerOptions.Web),
            Encoding.UTF8,
            (int)status >= 400 ? "application/problem+json" : "application/json"),
    };
}
