using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Samples.Tests.Support;

/// <summary>
/// Answers the marketplace API in memory the way the specification describes — keeping parties, keys, datasets,
/// offerings and contracts, answering 409 for what exists and 404 for what does not — and records every request,
/// so the seeder can be tested without a host. It can be cut off mid-run like a killed process.
/// </summary>
internal sealed partial class FakeMarketplace : HttpMessageHandler
{
    public const string OperatorKey = "operator_key";

    private readonly List<Exchange> exchanges = [];
    private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal) { [OperatorKey] = "operator" };
    private readonly Dictionary<string, JsonObject> parties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> offerings = new(StringComparer.Ordinal);
    private readonly List<JsonObject> contracts = [];
    private readonly Dictionary<string, (string PartyId, string Password)> people = new(StringComparer.Ordinal);
    private int changes;
    private bool cutOff;

    public sealed record Exchange(string Method, string Path, string? ApiKey, string? ContentType, string Body);

    /// <summary>A path that answers with a validation problem instead of success.</summary>
    public string? FailingPath { get; init; }

    /// <summary>Whether parties may register as "information-bank" (otherwise that role is refused with 400).</summary>
    public bool KnowsInformationBanks { get; init; } = true;

    /// <summary>
    /// Cuts the connection at the state change with this number (from 1): before applying it, or after applying it
    /// but before the answer leaves (<see cref="LoseAnswer"/>). Every request after that fails too, until
    /// <see cref="Reconnect"/>.
    /// </summary>
    public int? CutAtChange { get; set; }

    public bool LoseAnswer { get; set; }

    /// <summary>State changes (successful POSTs) so far.</summary>
    public int Changes => changes;

    public IReadOnlyList<Exchange> Exchanges => exchanges;

    public static string KeyOf(string partyId) => "key_" + partyId.Replace('-', '_');

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://marketplace.test/") };

    public void Reconnect()
    {
        CutAtChange = null;
        cutOff = false;
    }

    /// <summary>What the marketplace holds, in one comparable text (ids, roles, statuses, counts; not keys or contract ids).</summary>
    public string Snapshot() => string.Join('\n',
        parties.Values.Select(p => $"party {p["id"]} {p["role"]} {p["name"]}").Order(StringComparer.Ordinal)
            .Concat(datasets.Values.Select(d => $"dataset {d["id"]} of {d["providerId"]} {d["class"]}, {d["revisions"]!.AsArray().Count} revision(s)").Order(StringComparer.Ordinal))
            .Concat(offerings.Values.Select(o => $"offering {o["id"]} {o["status"]}").Order(StringComparer.Ordinal))
            .Concat(contracts.Select(c => $"contract {c["buyerId"]} {c["offeringId"]} {c["purpose"]} {c["status"]}").Order(StringComparer.Ordinal))
            .Concat(people.Select(p => $"person {p.Key} of {p.Value.PartyId}").Order(StringComparer.Ordinal))
            .Concat(billing.Select(b => $"billing {b.Key} {b.Value}").Order(StringComparer.Ordinal))
            .Concat(contacts.Select(c => $"contact {c.Key} {c.Value}").Order(StringComparer.Ordinal))
            .Concat(ConsentSnapshot()));

    private readonly Dictionary<string, string> billing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> contacts = new(StringComparer.Ordinal);
    private bool lastPutChanged;

    private HttpResponseMessage SetBilling(string partyId, JsonObject request)
    {
        var registration = request["invoiceRegistration"]?.GetValue<string>();
        var serviceApp = request["serviceApp"]?.GetValue<bool>() ?? false;
        var profile = $"{(string.IsNullOrEmpty(registration) ? "unregistered" : registration)} service-app={serviceApp}";
        lastPutChanged = billing.GetValueOrDefault(partyId) != profile;
        billing[partyId] = profile;
        return Answer(HttpStatusCode.OK, new { partyId, invoiceRegistration = string.IsNullOrEmpty(registration) ? null : registration, serviceApp, payoutAccount = (string?)null });
    }

    private HttpResponseMessage SetContact(string partyId, JsonObject request)
    {
        var email = request["email"]?.GetValue<string>();
        lastPutChanged = contacts.GetValueOrDefault(partyId) != email;
        contacts[partyId] = email;
        return Answer(HttpStatusCode.OK, new { partyId, email });
    }

    /// <summary>The contact address each party publishes, as the seeder set it.</summary>
    public IReadOnlyDictionary<string, string?> Contacts => contacts;

    /// <summary>The password a person signs in with now, if they are enrolled.</summary>
    public string? PasswordOf(string signIn) => people.TryGetValue(signIn, out var person) ? person.Password : null;

    /// <summary>The party a key authenticates, if any.</summary>
    public string? PartyOf(string key) => keys.GetValueOrDefault(key);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        var method = request.Method.Method;
        if (cutOff)
        {
            throw new HttpRequestException("The connection was cut (test).");
        }

        var changing = method is "POST" or "PUT" && path != FailingPath;
        if (changing && changes + 1 == CutAtChange && !LoseAnswer)
        {
            cutOff = true;
            throw new HttpRequestException("The connection was cut before the change (test).");
        }

        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var apiKey = request.Headers.Authorization?.Parameter;
        exchanges.Add(new(method, path, apiKey, request.Content?.Headers.ContentType?.ToString(), body));
        var caller = apiKey is null ? null : keys.GetValueOrDefault(apiKey);
        if (caller is null)
        {
            return Problem(HttpStatusCode.Unauthorized, "Unauthorized", "Unknown API key.", "auth.unknown-key");
        }

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

        lastNotificationReplayed = false;
        var response = Handle(method, path.Split('/')[2..], request.RequestUri.Query, caller, body, request.Content?.Headers.ContentType?.MediaType);
        // A PUT that finds the state as it asks (a repeated billing profile) changes nothing.
        if (changing && response.IsSuccessStatusCode && (method != "PUT" || lastPutChanged) && !lastNotificationReplayed && ++changes == CutAtChange)
        {
            cutOff = true;
            throw new HttpRequestException("The connection was cut after the change (test).");
        }

        return response;
    }

    private HttpResponseMessage Handle(string method, string[] route, string query, string caller, string body, string? mediaType) =>
        (method, route) switch
        {
            ("GET", ["parties", "me"]) => Answer(HttpStatusCode.OK, parties.GetValueOrDefault(caller) ?? new JsonObject { ["id"] = caller, ["role"] = "operator", ["name"] = "" }),
            ("GET", ["parties"]) => Answer(HttpStatusCode.OK, new JsonObject { ["items"] = new JsonArray([.. parties.Values.Select(p => p.DeepClone())]) }),
            ("POST", ["parties"]) => RegisterParty(JsonNode.Parse(body)!.AsObject()),
            ("POST", ["parties", var id, "keys"]) => parties.ContainsKey(id)
                ? Answer(HttpStatusCode.Created, new { partyId = id, apiKey = Issue(id) })
                : Problem(HttpStatusCode.NotFound, "Not found", $"There is no party '{id}'.", "party.not-found"),
            ("POST", ["parties", var id, "people"]) => Enrol(id, JsonNode.Parse(body)!.AsObject()),
            ("PUT", ["parties", var id, "contact"]) => parties.ContainsKey(id) ? SetContact(id, JsonNode.Parse(body)!.AsObject())
                : Problem(HttpStatusCode.NotFound, "Not found", $"There is no party '{id}'.", "party.not-found"),
            ("PUT", ["parties", var id, "billing"]) => parties.ContainsKey(id) ? SetBilling(id, JsonNode.Parse(body)!.AsObject())
                : Problem(HttpStatusCode.NotFound, "Not found", $"There is no party '{id}'.", "party.not-found"),
            ("GET", ["parties", var id, "people"]) => Answer(HttpStatusCode.OK, new JsonObject
            {
                ["items"] = new JsonArray([.. people.Where(p => p.Value.PartyId == id)
                    .Select(p => new JsonObject { ["signIn"] = p.Key, ["displayName"] = "Demo", ["addedAt"] = "2026-11-30T00:00:00Z", ["disabled"] = false })]),
            }),
            ("POST", ["parties", var id, "people", var signIn, "reset-password"]) => people.TryGetValue(Uri.UnescapeDataString(signIn), out var held) && held.PartyId == id
                ? Answer(HttpStatusCode.OK, PersonAnswer(id, Uri.UnescapeDataString(signIn), people[Uri.UnescapeDataString(signIn)] = (id, $"reset-{people.Count}-{changes}")))
                : Problem(HttpStatusCode.NotFound, "Not found", $"Party '{id}' has no person '{signIn}'.", "person.not-found"),
            ("GET", ["datasets", var id]) => datasets.TryGetValue(id, out var d) && (string)d["providerId"]! == caller
                ? Answer(HttpStatusCode.OK, d)
                : Problem(HttpStatusCode.NotFound, "Not found", $"There is no dataset '{id}'.", "dataset.not-found"),
            ("POST", ["datasets"]) => Create(datasets, JsonNode.Parse(body)!.AsObject(), "dataset", d =>
            {
                d["providerId"] = caller;
                d["revisions"] = new JsonArray();
                d["currentRevisionId"] = null;
            }),
            ("POST", ["datasets", var id, "revisions"]) => Upload(datasets[id], body, mediaType),
            ("GET", ["offerings", var id]) => offerings.TryGetValue(id, out var o) && (string)o["providerId"]! == caller
                ? Answer(HttpStatusCode.OK, o)
                : Problem(HttpStatusCode.NotFound, "Not found", $"There is no offering '{id}'.", "offering.not-found"),
            ("POST", ["offerings"]) => Create(offerings, JsonNode.Parse(body)!.AsObject(), "offering", o =>
            {
                o["providerId"] = caller;
                o["status"] = "draft";
                // As the marketplace answers: the effective preview (the class's default unless set) and a version.
                o["preview"] = (bool?)o["preview"] ?? (datasets.TryGetValue((string)o["datasetId"]!, out var d) && (string?)d["class"] == "public");
                o["version"] = 1;
            }),
            ("POST", ["offerings", var id, "publish"]) => Publish(offerings[id]),
            ("POST", ["offerings", var offering, "contracts"]) => Subscribe(caller, offering, (string)JsonNode.Parse(body)!["purpose"]!),
            ("GET", ["contracts"]) => Answer(HttpStatusCode.OK, new JsonObject
            {
                ["items"] = new JsonArray([.. contracts
                    .Where(c => (string)c["buyerId"]! == caller || (string)c["providerId"]! == caller)
                    .Where(c => !query.StartsWith("?offeringId=", StringComparison.Ordinal) || (string)c["offeringId"]! == query[12..])
                    .Select(c => c.DeepClone())]),
            }),
            ("POST", ["contracts", var id, "approve"]) => Approve(contracts.Single(c => (string)c["id"]! == id)),
            _ => HandleConsent(method, route, caller, body) ?? HandleNgsiLd(method, route, caller, body) ?? new HttpResponseMessage(HttpStatusCode.NotFound),
        };

    private HttpResponseMessage Enrol(string partyId, JsonObject person)
    {
        var signIn = (string)person["signIn"]!;
        if (partyId != "operator" && !parties.ContainsKey(partyId))
        {
            return Problem(HttpStatusCode.NotFound, "Not found", $"There is no party '{partyId}'.", "party.not-found");
        }

        if (people.ContainsKey(signIn))
        {
            return Problem(HttpStatusCode.Conflict, "Conflict", $"'{signIn}' already signs in to the marketplace.", "person.exists");
        }

        people[signIn] = (partyId, $"one-time-{people.Count}");
        return Answer(HttpStatusCode.Created, PersonAnswer(partyId, signIn, people[signIn]));
    }

    private static JsonObject PersonAnswer(string partyId, string signIn, (string PartyId, string Password) person) => new()
    {
        ["partyId"] = partyId,
        ["signIn"] = signIn,
        ["displayName"] = "Demo",
        ["oneTimePassword"] = person.Password,
    };

    private HttpResponseMessage RegisterParty(JsonObject party)
    {
        var id = (string)party["id"]!;
        if ((string)party["role"]! == "information-bank" && !KnowsInformationBanks)
        {
            return Problem(HttpStatusCode.BadRequest, "Bad request", "'information-bank' is not a valid role; use one of: operator, provider, buyer.", "request.invalid-field.role");
        }

        if (parties.ContainsKey(id))
        {
            return Problem(HttpStatusCode.Conflict, "Conflict", $"Party '{id}' already exists.", "party.exists");
        }

        parties[id] = party;
        var answer = (JsonObject)party.DeepClone();
        answer["apiKey"] = Issue(id);
        return Answer(HttpStatusCode.Created, answer);
    }

    private string Issue(string partyId)
    {
        var key = keys.ContainsValue(partyId) ? $"{KeyOf(partyId)}_{keys.Count}" : KeyOf(partyId);
        keys[key] = partyId;
        return key;
    }

    private static HttpResponseMessage Create(Dictionary<string, JsonObject> items, JsonObject item, string kind, Action<JsonObject> complete)
    {
        var id = (string)item["id"]!;
        if (items.ContainsKey(id))
        {
            return Problem(HttpStatusCode.Conflict, "Conflict", $"The {kind} '{id}' already exists.", $"{kind}.exists");
        }

        complete(item);
        items[id] = item;
        return Answer(HttpStatusCode.Created, item);
    }

    private static HttpResponseMessage Upload(JsonObject dataset, string body, string? mediaType)
    {
        var revisions = dataset["revisions"]!.AsArray();
        var revision = new JsonObject
        {
            ["revisionId"] = $"rev-{revisions.Count + 1}",
            ["records"] = body.Count(c => c == '\n') - (mediaType == "text/csv" ? 1 : 0),
            ["bytes"] = Encoding.UTF8.GetByteCount(body),
            ["status"] = "current",
        };
        revisions.Add(revision);
        dataset["currentRevisionId"] = revision["revisionId"]!.DeepClone();
        return Answer(HttpStatusCode.Created, revision);
    }

    private static HttpResponseMessage Publish(JsonObject offering)
    {
        offering["status"] = "listed";
        return Answer(HttpStatusCode.OK, offering);
    }

    private HttpResponseMessage Subscribe(string buyer, string offeringId, string purpose)
    {
        var offering = offerings[offeringId];
        var contract = new JsonObject
        {
            ["id"] = $"contract-{contracts.Count + 1}",
            ["offeringId"] = offeringId,
            ["buyerId"] = buyer,
            ["providerId"] = (string)offering["providerId"]!,
            ["status"] = (string)offering["approval"]! == "provider" ? "requested" : "active",
            ["purpose"] = purpose,
        };
        contracts.Add(contract);
        return Answer(HttpStatusCode.Created, contract);
    }

    private static HttpResponseMessage Approve(JsonObject contract)
    {
        contract["status"] = "active";
        return Answer(HttpStatusCode.OK, contract);
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string title, string detail, string code) =>
        Answer(status, new { type = "about:blank", title, status = (int)status, detail, code });

    private static HttpResponseMessage Answer(HttpStatusCode status, object body) => new(status)
    {
        Content = new StringContent(
            JsonSerializer.Serialize(body, JsonSerializerOptions.Web),
            Encoding.UTF8,
            (int)status >= 400 ? "application/problem+json" : "application/json"),
    };
}
