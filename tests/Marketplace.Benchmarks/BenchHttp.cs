using System.Text.Json;

namespace Marketplace.Benchmarks;

/// <summary>The benchmarks' calls to a marketplace they arrange: a client with a key, and an answer that must succeed.</summary>
internal static class BenchHttp
{
    public static HttpClient Client(Uri baseUri, string key)
    {
        var client = new HttpClient { BaseAddress = baseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        }
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }
}
