using System.Globalization;
using System.Text;
using Marketplace.Host.Tests;
using Microsoft.Playwright;

namespace Marketplace.Web.Tests;

/// <summary>
/// What a page costs on the wire, first visit (empty cache) and repeat visit (the same browser coming back), as
/// Chromium reports each request's response headers and (encoded) body. The figures go to
/// artifacts/page-weights.md; the only assertion is what makes a repeat visit light: the stylesheet and the icon
/// come from the browser's cache, so the page itself is all that crosses the network again.
/// </summary>
[Collection(WebMarketplaceCollection.Name)]
public sealed class PageWeightTests(WebMarketplaceFixture fixture)
{
    private string Report { get; } = Path.Combine(HostProcess.FindRepositoryRoot(AppContext.BaseDirectory), "artifacts", "page-weights.md");

    [Fact]
    public async Task A_repeat_visit_fetches_only_the_page_itself_and_every_weight_is_written_down()
    {
        var pages = new (string Name, string Path, int Status)[]
        {
            ("catalog", "/", 200),
            ("catalog, search", $"/?q={CatalogSeed.OpenDataWord}&class=public", 200),
            ("offering page", $"/offerings/{fixture.Seed.OpenData.OfferingId}", 200),
            ("not-found page", "/no-such-page", 404),
        };
        var report = new StringBuilder()
            .AppendLine("# Page weights")
            .AppendLine()
            .AppendLine("Bytes received from the network per page as Chromium counts them (DevTools' \"transferred\": headers and")
            .AppendLine("encoded body of every request the page makes), with an empty cache (first visit) and when the same browser")
            .AppendLine("comes back (repeat visit); \"requests\" counts those that went to the network. The last column is the")
            .AppendLine("page's own HTML body as a client that asks for no compression receives it.")
            .AppendLine("Written by `PageWeightTests` in tests/Marketplace.Web.Tests; the catalog holds the browser tests' seed.")
            .AppendLine()
            .AppendLine("| page | first visit | requests | repeat visit | requests | page uncompressed |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        var details = new StringBuilder().AppendLine().AppendLine("## Requests").AppendLine();
        var fetchedAgain = new List<string>();
        using var plain = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        foreach (var (name, path, status) in pages)
        {
            await using var visitor = await fixture.VisitAsync();
            var url = fixture.BaseUrl + path;
            visitor.Expect(url, status);
            var wire = await Wire.ListenAsync(visitor);
            var first = await WeighAsync(visitor, wire, url);
            await visitor.Page.GotoAsync("about:blank");
            var repeat = await WeighAsync(visitor, wire, url);
            Assert.Empty(visitor.TakeProblems());

            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} (`{path}`) | {Kb(first.Sum(r => r.Bytes))} | {first.Count(r => !r.FromCache)} | {Kb(repeat.Sum(r => r.Bytes))} | {repeat.Count(r => !r.FromCache)} | {Kb((await (await plain.GetAsync(path)).Content.ReadAsByteArrayAsync()).Length)} |");
            details.AppendLine(CultureInfo.InvariantCulture, $"### {name}").AppendLine();
            foreach (var (visit, requests) in new[] { ("first", first), ("repeat", repeat) })
            {
                foreach (var r in requests.OrderBy(r => r.Path, StringComparer.Ordinal))
                {
                    details.AppendLine(CultureInfo.InvariantCulture,
                        $"- {visit}: {r.Status} {r.Path} — {(r.FromCache ? "from the cache" : $"{r.Bytes:N0} B")}{(r.Encoding is { } e ? $", {e}" : "")}");
                }
            }
            details.AppendLine();
            fetchedAgain.AddRange(repeat.Where(r => !r.FromCache && r.Path != path).Select(r => $"{name}: {r.Path}"));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Report)!);
        await File.WriteAllTextAsync(Report, report.Append(details).ToString());
        Assert.Empty(fetchedAgain);
    }

    /// <summary>Opens <paramref name="url"/> and answers every request it made once the network is idle.</summary>
    private static async Task<List<Weighed>> WeighAsync(Visitor visitor, Wire wire, string url)
    {
        wire.Take();
        await visitor.Page.GotoAsync(url);
        await visitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return wire.Take();
    }

    /// <summary>
    /// Chromium's own account of each request (DevTools' "transferred"): the bytes received from the network,
    /// headers included, which is 0 for an answer from the cache.
    /// </summary>
    private sealed class Wire
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Weighed> _requests = new(StringComparer.Ordinal);

        public static async Task<Wire> ListenAsync(Visitor visitor)
        {
            var wire = new Wire();
            var cdp = await visitor.Context.NewCDPSessionAsync(visitor.Page);
            cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
            {
                var response = e!.Value.GetProperty("response");
                var headers = response.GetProperty("headers").EnumerateObject()
                    .ToDictionary(h => h.Name, h => h.Value.GetString(), StringComparer.OrdinalIgnoreCase);
                wire.Update(e.Value, w => w with
                {
                    Path = new Uri(response.GetProperty("url").GetString()!).PathAndQuery,
                    Status = response.GetProperty("status").GetInt32(),
                    Encoding = headers.GetValueOrDefault("content-encoding"),
                    FromCache = w.FromCache || response.GetProperty("fromDiskCache").GetBoolean(),
                });
            };
            cdp.Event("Network.requestServedFromCache").OnEvent += (_, e) => wire.Update(e!.Value, w => w with { FromCache = true });
            cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
                wire.Update(e!.Value, w => w with { Bytes = (long)e.Value.GetProperty("encodedDataLength").GetDouble() });
            await cdp.SendAsync("Network.enable");
            return wire;
        }

        private void Update(System.Text.Json.JsonElement e, Func<Weighed, Weighed> change) =>
            _requests.AddOrUpdate(e.GetProperty("requestId").GetString()!, _ => change(new Weighed("", 0, 0, null, false)), (_, w) => change(w));

        /// <summary>The requests seen since the last call, then forgotten.</summary>
        public List<Weighed> Take()
        {
            var taken = new List<Weighed>();
            foreach (var id in _requests.Keys)
            {
                if (_requests.TryRemove(id, out var weighed))
                {
                    taken.Add(weighed);
                }
            }
            return taken;
        }
    }

    private static string Kb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:N1} KB");

    private sealed record Weighed(string Path, int Status, long Bytes, string? Encoding, bool FromCache);
}
