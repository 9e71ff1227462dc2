using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Marketplace.Host.Tests.Federation;

/// <summary>
/// Remote catalogs as a test wants them, behind the harvest's named HTTP client: each test puts its own answers at
/// its own URLs (by path and query); anything else answers 404. An answer may be slow (it waits until the request is
/// cancelled) or fail the connection.
/// </summary>
public sealed class FakeSource
{
    private readonly ConcurrentDictionary<string, Func<HttpResponseMessage>> _answers = new(StringComparer.Ordinal);

    public static string NewBase() => $"http://{Guid.NewGuid():N}.source.test";

    public void Answer(string url, string contentType, string body, HttpStatusCode status = HttpStatusCode.OK) =>
        _answers[url] = () => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    public void Fail(string url) => _answers[url] = () => throw new HttpRequestException("connection refused");

    public void Hang(string url) => _answers[url] = () => null!;

    /// <summary>A CKAN action API at <paramref name="apiBase"/> whose package_search answers <paramref name="packages"/> in pages.</summary>
    public void Ckan(string apiBase, IReadOnlyList<object> packages, int rows = 2)
    {
        for (var start = 0; start == 0 || start < packages.Count; start += rows)
        {
            var page = packages.Skip(start).Take(rows).ToList();
            Answer($"{apiBase}/package_search?rows={rows}&start={start}&sort=name%20asc", "application/json",
                JsonSerializer.Serialize(new { help = "", success = true, result = new { count = packages.Count, results = page } }));
        }
    }

    public HttpMessageHandler Handler() => new Responder(this);

    private sealed class Responder(FakeSource source) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!source._answers.TryGetValue(request.RequestUri!.AbsoluteUri, out var answer))
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("no such page") };
            }
            var response = answer();
            if (response is null)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return response!;
        }
    }
}
