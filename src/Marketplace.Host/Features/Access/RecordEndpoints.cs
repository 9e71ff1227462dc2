using Marketplace.Application.Access;
using Marketplace.Host.Auth;

namespace Marketplace.Host.Features.Access;

/// <summary>Brokered access over HTTP: the query string and headers in, the broker's page out.</summary>
public static class RecordEndpoints
{
    private static readonly HashSet<string> ReservedParameters = new(StringComparer.OrdinalIgnoreCase) { "cursor", "limit" };

    public static IEndpointRouteBuilder MapRecordEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/contracts/{id}/records", GetRecords).WithTags("Access").WithName("GetRecords")
            .WithSummary("Fetch a page of records under a contract (buyer). Query: cursor, limit (1-1000), and <field>=<value> filters. "
                + "Send an Idempotency-Key header to make retries safe: a replay returns the same page and is metered once.")
            .RequireAuthorization(Policies.Buyer)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        return app;
    }

    private static async Task<IResult> GetRecords(string id, HttpContext http, AccessBroker broker)
    {
        var query = http.Request.Query;
        var filters = new List<KeyValuePair<string, string?>>();
        foreach (var (key, values) in query)
        {
            if (!ReservedParameters.Contains(key))
            {
                filters.AddRange(values.Select(v => new KeyValuePair<string, string?>(key, v)));
            }
        }
        var fetch = new RecordFetch(Single(query, "cursor"), Single(query, "limit"), filters, http.Request.Headers["Idempotency-Key"]);
        var answer = await broker.FetchAsync(http.User.Caller(), id, fetch, http.RequestAborted);
        return new RecordPageResult(answer);
    }

    /// <summary>A parameter given twice is ambiguous: refused rather than guessed.</summary>
    private static string? Single(IQueryCollection query, string name) => query[name] switch
    {
        { Count: 0 } => null,
        { Count: 1 } v => v[0],
        _ => throw new Domain.DomainException(Domain.DomainErrorCode.InvalidField(name), $"'{name}' is given more than once; send it once."),
    };
}
