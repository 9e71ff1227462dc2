using System.Net.Http.Json;

namespace Marketplace.Host.Tests.Consent;

/// <summary>
/// The consent endpoints against every kind of caller: a person's own key reaches only their own records, a bank only
/// its own people and datasets, and parties (the operator included) never a person's consents. Each row gets a fresh
/// pair of residents, so a row that deletes or withdraws cannot change another row's outcome.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class ConsentAuthorizationMatrixTests(MarketplaceFixture fixture)
{
    private const int Ok = 200;

    private enum Who
    {
        Operator,
        Bank,
        OtherBank,
        Buyer,
        Subject,
        OtherSubject,
    }

    private static readonly Who[] Callers = [Who.Operator, Who.Bank, Who.OtherBank, Who.Buyer, Who.Subject, Who.OtherSubject];

    /// <summary>The callers and ids one row plays with: the world's bank, buyer and dataset, and this row's own two residents.</summary>
    private sealed record Cell(ConsentWorld World, Party OtherBank, Resident Subject, Resident OtherSubject, string ConsentId, string ReceiptId);

    private sealed record Row(string Method, string Route, Func<Cell, (string Url, object? Body)> Request, int[] Expected, int Anonymous = 401);

    // Expected statuses in the order of Callers: operator, bank, other bank, buyer, subject, other subject.
    private static readonly Row[] Rows =
    [
        new("GET", "/api/v1/subjects/me/", _ => ("/api/v1/subjects/me", null), [403, 403, 403, 403, Ok, Ok]),
        new("GET", "/api/v1/subjects/me/consents", _ => ("/api/v1/subjects/me/consents", null), [403, 403, 403, 403, Ok, Ok]),
        new("POST", "/api/v1/subjects/me/consents", c => ("/api/v1/subjects/me/consents", ConsentBody(c)), [403, 403, 403, 403, Ok, Ok]),
        new("GET", "/api/v1/subjects/me/consents/{id}", c => ($"/api/v1/subjects/me/consents/{c.ConsentId}", null), [403, 403, 403, 403, Ok, 404]),
        new("PUT", "/api/v1/subjects/me/consents/{id}", c => ($"/api/v1/subjects/me/consents/{c.ConsentId}", ConsentBody(c)), [403, 403, 403, 403, Ok, 404]),
        new("POST", "/api/v1/subjects/me/consents/{id}/withdraw", c => ($"/api/v1/subjects/me/consents/{c.ConsentId}/withdraw", null), [403, 403, 403, 403, Ok, 404]),
        new("GET", "/api/v1/subjects/me/receipts", _ => ("/api/v1/subjects/me/receipts", null), [403, 403, 403, 403, Ok, Ok]),
        new("GET", "/api/v1/subjects/me/receipts/{id}", c => ($"/api/v1/subjects/me/receipts/{c.ReceiptId}", null), [403, 403, 403, 403, Ok, 404]),
        new("GET", "/api/v1/subjects/me/receipts/{id}/kantara", c => ($"/api/v1/subjects/me/receipts/{c.ReceiptId}/kantara", null), [403, 403, 403, 403, Ok, 404]),
        new("GET", "/api/v1/subjects/me/provisions", _ => ("/api/v1/subjects/me/provisions", null), [403, 403, 403, 403, Ok, Ok]),
        new("GET", "/api/v1/subjects/me/earnings", _ => ("/api/v1/subjects/me/earnings", null), [403, 403, 403, 403, Ok, Ok]),
        new("PUT", "/api/v1/subjects/me/statistics", _ => ("/api/v1/subjects/me/statistics", new { optOut = true }), [403, 403, 403, 403, Ok, Ok]),
        new("POST", "/api/v1/subjects/me/deletion-request", _ => ("/api/v1/subjects/me/deletion-request", null), [403, 403, 403, 403, Ok, Ok]),
        new("POST", "/api/v1/bank/subjects", _ => ("/api/v1/bank/subjects", new { subjectId = MarketplaceDriver.UniqueId("subj"), displayName = "X" }), [403, Ok, Ok, 403, 403, 403]),
        new("GET", "/api/v1/bank/subjects/{subjectId}", c => ($"/api/v1/bank/subjects/{c.Subject.SubjectId}", null), [403, Ok, 404, 403, 403, 403]),
        new("PUT", "/api/v1/bank/notices/{noticeId}", _ => ($"/api/v1/bank/notices/{MarketplaceDriver.UniqueId("notice")}", CategoryNotice()), [403, Ok, Ok, 403, 403, 403]),
        new("GET", "/api/v1/bank/reviews", _ => ("/api/v1/bank/reviews", null), [403, Ok, Ok, 403, 403, 403]),
        new("PUT", "/api/v1/bank/reviews/{buyerId}", c => ($"/api/v1/bank/reviews/{c.World.Buyer.Id}",
            new { @class = "academic", purposes = new[] { ConsentWorld.Purpose }, note = "Reviewed again." }), [403, Ok, Ok, 403, 403, 403]),
        new("GET", "/api/v1/bank/datasets/{datasetId}/consent-counts", c => ($"/api/v1/bank/datasets/{c.World.DatasetId}/consent-counts", null), [403, Ok, 404, 403, 403, 403]),
        new("GET", "/api/v1/banks/{bankId}/notices", c => ($"/api/v1/banks/{c.World.Bank.Id}/notices", null), [Ok, Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/v1/banks/{bankId}/notices/{noticeId}", c => ($"/api/v1/banks/{c.World.Bank.Id}/notices/{c.World.NoticeId}", null), [Ok, Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        // h6: what buyers see of consent: an offering's counts (as visible as the offering) and consent under a contract.
        new("GET", "/api/v1/offerings/{id}/consent-counts", c => ($"/api/v1/offerings/{c.World.OfferingId}/consent-counts", null), [Ok, Ok, Ok, Ok, Ok, Ok], Anonymous: Ok),
        new("GET", "/api/v1/contracts/{id}/consent", c => ($"/api/v1/contracts/{c.World.Contract.Id}/consent", null), [Ok, Ok, 404, Ok, 404, 404]),
    ];

    /// <summary>Every consent route this matrix covers, for the main matrix's check that no endpoint is left out.</summary>
    public static IEnumerable<string> Routes => Rows.Select(r => $"{r.Method} {r.Route}");

    private static object ConsentBody(Cell c) => new
    {
        noticeId = c.World.NoticeId,
        noticeVersion = 1,
        purposes = new[] { ConsentWorld.Purpose },
        recipientClasses = new[] { "academic" },
        expiresAt = c.World.Factory.Clock.GetUtcNow().AddDays(30),
    };

    private static object CategoryNotice() => new
    {
        scope = "category:health",
        language = "en",
        title = "Health data for research",
        purposes = new[] { ConsentWorld.Purpose },
        recipients = new[] { new { @class = "academic", name = "Universities", country = "JP" } },
        retentionDays = 90,
        storageLocation = "Tokyo",
        benefit = "Research results shared back",
        withdrawalMethod = "Withdraw in the portal",
        contact = "privacy@bank.example.jp",
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (ConsentWorld World, Party OtherBank)? _shared;

    public static TheoryData<string, string> Endpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in Rows)
        {
            data.Add(row.Method, row.Route);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_answers_each_caller_by_role_and_tenancy(string method, string route)
    {
        var row = Rows.Single(r => r.Method == method && r.Route == route);
        var (world, otherBank) = await SharedAsync();
        var pair = await ConsentWorld.CreateResidentsAsync(world, 2);
        var consent = await world.ConsentAsync(pair[0]);
        var receipts = await MarketplaceDriver.Ok<Features.Consent.ReceiptListResponse>(await pair[0].Client.GetAsync("/api/v1/subjects/me/receipts"), System.Net.HttpStatusCode.OK);
        var cell = new Cell(world, otherBank, pair[0], pair[1], consent.Id, receipts.Items[0].Id);
        var clients = new Dictionary<Who, HttpClient>
        {
            [Who.Operator] = fixture.Driver.Operator,
            [Who.Bank] = world.Bank.Client,
            [Who.OtherBank] = otherBank.Client,
            [Who.Buyer] = world.Buyer.Client,
            [Who.Subject] = pair[0].Client,
            [Who.OtherSubject] = pair[1].Client,
        };
        var mismatches = new List<string>();
        var cases = new List<(string Name, HttpClient Client, int Expected)>
        {
            ("anonymous", fixture.Factory.CreateClient(), row.Anonymous),
            ("bad key", fixture.Factory.ClientWithKey("mk_aaaaaaaaaaaa_not-a-real-secret"), 401),
        };
        cases.AddRange(Callers.Select((who, i) => (who.ToString(), clients[who], row.Expected[i])));
        foreach (var (name, client, expected) in cases)
        {
            var (url, body) = row.Request(cell);
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await client.SendAsync(request);
            var actual = (int)response.StatusCode;
            if (!(expected == Ok ? actual is >= 200 and < 300 : actual == expected))
            {
                mismatches.Add($"{name}: expected {expected}, got {actual} {await response.Content.ReadAsStringAsync()}");
            }
            else if (actual >= 400)
            {
                Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
            }
        }

        Assert.True(mismatches.Count == 0, $"{method} {route}:\n" + string.Join("\n", mismatches));
    }

    private async Task<(ConsentWorld World, Party OtherBank)> SharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _shared ??= (await ConsentWorld.CreateAsync(fixture, residents: 1), await fixture.Driver.CreatePartyAsync("information-bank"));
        }
        finally
        {
            Gate.Release();
        }
    }
}
