using System.Net;
using System.Text.Json.Nodes;

namespace Marketplace.Samples.Tests.Support;

/// <summary>The information bank's part of the fake: notices, registered people (each with a key of their own) and their consents.</summary>
internal sealed partial class FakeMarketplace
{
    private const string SubjectCaller = "subject:";

    private readonly Dictionary<string, JsonObject> notices = new(StringComparer.Ordinal);
    private readonly HashSet<string> subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> consents = new(StringComparer.Ordinal);

    /// <summary>The consents given, by subject id.</summary>
    public IReadOnlyDictionary<string, JsonObject> Consents => consents;

    private IEnumerable<string> ConsentSnapshot() =>
        notices.Select(n => $"notice {n.Key} version {n.Value["version"]}").Order(StringComparer.Ordinal)
            .Concat(subjects.Select(s => $"subject {s}").Order(StringComparer.Ordinal))
            .Concat(consents.Select(c => $"consent {c.Key} {c.Value["purposes"]!.ToJsonString()}").Order(StringComparer.Ordinal));

    private HttpResponseMessage? HandleConsent(string method, string[] route, string caller, string body) =>
        (method, route) switch
        {
            ("PUT", ["bank", "notices", var id]) => PublishNotice(caller, id, JsonNode.Parse(body)!.AsObject()),
            ("POST", ["bank", "subjects"]) => RegisterSubject(caller, JsonNode.Parse(body)!.AsObject()),
            ("POST", ["subjects", "me", "consents"]) when caller.StartsWith(SubjectCaller, StringComparison.Ordinal) =>
                GiveConsent(caller[SubjectCaller.Length..], JsonNode.Parse(body)!.AsObject()),
            _ => null,
        };

    private HttpResponseMessage PublishNotice(string bank, string id, JsonObject notice)
    {
        if (parties.GetValueOrDefault(bank)?["role"]?.GetValue<string>() != "information-bank")
        {
            return Problem(HttpStatusCode.Forbidden, "Forbidden", "Only an information bank publishes notices.", "auth.forbidden");
        }
        // The same text again is the same version (the real marketplace answers it unchanged).
        var same = notices.TryGetValue(id, out var held) && held["text"]!.GetValue<string>() == notice.ToJsonString();
        lastPutChanged = !same;
        if (!same)
        {
            notices[id] = new JsonObject { ["text"] = notice.ToJsonString(), ["version"] = (held?["version"]?.GetValue<int>() ?? 0) + 1 };
        }
        return Answer(HttpStatusCode.OK, new { id, version = notices[id]["version"]!.GetValue<int>(), bankId = bank, scope = (string)notice["scope"]! });
    }

    private HttpResponseMessage RegisterSubject(string bank, JsonObject request)
    {
        var subjectId = (string)request["subjectId"]!;
        var signIn = request["signIn"]?.GetValue<string>();
        if (signIn is not null && people.ContainsKey(signIn))
        {
            subjects.Add(subjectId);
            return Problem(HttpStatusCode.Conflict, "Conflict", $"'{signIn}' already signs in to the marketplace.", "person.exists");
        }
        subjects.Add(subjectId);
        if (signIn is not null)
        {
            people[signIn] = (bank, $"one-time-{people.Count}");
        }
        var key = $"key_subject_{subjectId}_{keys.Count}";
        keys[key] = SubjectCaller + subjectId;
        return Answer(HttpStatusCode.Created, new
        {
            subject = new { bankId = bank, subjectId, displayName = (string?)request["displayName"] ?? "", registeredAt = DateTimeOffset.UnixEpoch, statisticsOptOut = false },
            signIn,
            oneTimePassword = signIn is null ? null : people[signIn].Password,
            apiKey = key,
        });
    }

    private HttpResponseMessage GiveConsent(string subjectId, JsonObject consent)
    {
        var noticeId = (string)consent["noticeId"]!;
        if (!notices.TryGetValue(noticeId, out var notice) || consent["noticeVersion"]?.GetValue<int>() != notice["version"]!.GetValue<int>())
        {
            return Problem(HttpStatusCode.Conflict, "Conflict", "Read the notice's current version.", "notice.changed");
        }
        consents[subjectId] = consent;
        return Answer(HttpStatusCode.Created, new { id = "consent-" + subjectId, subjectId, bankId = "minato-infobank", status = "active", noticeId, noticeVersion = notice["version"]!.GetValue<int>() });
    }
}
