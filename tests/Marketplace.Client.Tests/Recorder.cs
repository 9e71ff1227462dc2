using System.Collections.Concurrent;

namespace Marketplace.Client.Tests;

/// <summary>Keeps the body of every answer the client received, as the server sent it.</summary>
internal sealed class Recorder : DelegatingHandler
{
    private readonly ConcurrentQueue<(string Request, string Body)> answers = new();

    public (string Request, string Body) Last => answers.Last();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        answers.Enqueue(($"{request.Method} {request.RequestUri?.PathAndQuery}", await response.Content.ReadAsStringAsync(cancellationToken)));
        return response;
    }
}
