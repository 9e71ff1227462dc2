using System.Net;
using Marketplace.Application.Usage;
using Marketplace.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Host.Tests.Operations;

/// <summary>A host asked to stop finishes the requests in flight, with their usage stored, before its silo leaves.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task A_brokered_fetch_in_flight_when_the_host_stops_completes_and_its_usage_is_stored()
    {
        var gate = new RecordReadGate();
        string dataDirectory, buyerKey, contractId;
        HttpResponseMessage fetched;
        await using (var host = new MarketplaceFactory { ConfigureServices = gate.Install })
        {
            // Kestrel, not the in-memory test server: draining requests on stop is the real server's behaviour.
            host.UseKestrel(0);
            host.StartServer();
            var driver = new MarketplaceDriver(host);
            var listing = await driver.ListedOfferingAsync(records: 30);
            var buyer = await driver.CreatePartyAsync("buyer");
            var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
            (dataDirectory, buyerKey, contractId) = (host.DataDirectory, buyer.Key, contract.Id);
            using var client = KestrelClient(host, buyer.Key);

            gate.Close();
            var fetch = client.GetAsync($"/api/v1/contracts/{contractId}/records?limit=12");
            await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var stopping = host.Services.GetRequiredService<IHost>().StopAsync();
            Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
            Assert.False(fetch.IsCompleted);
            gate.Open();
            fetched = await fetch.WaitAsync(TimeSpan.FromSeconds(30));
            await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        await using var again = new MarketplaceFactory(dataDirectory);
        var usage = await MarketplaceDriver.Ok<UsageResponse>(
            await again.ClientWithKey(buyerKey).GetAsync($"/api/v1/contracts/{contractId}/usage"), HttpStatusCode.OK);
        Assert.Equal(12, usage.Items[0].Units);
        Directory.Delete(dataDirectory, recursive: true);
    }

    private static HttpClient KestrelClient(MarketplaceFactory host, string apiKey)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Holds record reads while closed: the request that reads is in flight until the test opens it.</summary>
    private sealed class RecordReadGate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _open;

        public Task Entered => _entered.Task;

        public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open?.TrySetResult();

        public void Install(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IRecordStore) && !d.IsKeyedService);
            services.Replace(ServiceDescriptor.Singleton<IRecordStore>(sp => new GatedRecordStore(Create(original, sp), this)));
        }

        public async Task PassAsync()
        {
            if (_open is { } open)
            {
                _entered.TrySetResult();
                await open.Task;
            }
        }

        private static IRecordStore Create(ServiceDescriptor original, IServiceProvider sp) =>
            original.ImplementationFactory is { } factory ? (IRecordStore)factory(sp)
            : original.ImplementationInstance is IRecordStore instance ? instance
            : (IRecordStore)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
    }

    private sealed class GatedRecordStore(IRecordStore inner, RecordReadGate gate) : IRecordStore
    {
        public Task<IRevisionWriter> BeginRevisionAsync(string datasetId, string revisionId, CancellationToken cancellationToken = default) =>
            inner.BeginRevisionAsync(datasetId, revisionId, cancellationToken);

        public async Task<RecordPage> ReadPageAsync(string revisionId, long afterSequence, int limit, IReadOnlyList<FieldFilter> filters, CancellationToken cancellationToken = default)
        {
            await gate.PassAsync();
            return await inner.ReadPageAsync(revisionId, afterSequence, limit, filters, cancellationToken);
        }

        public Task<long> RedactSubjectAsync(string revisionId, string subjectId, CancellationToken cancellationToken = default) =>
            inner.RedactSubjectAsync(revisionId, subjectId, cancellationToken);

        public Task<int> DiscardAbandonedRevisionsAsync(CancellationToken cancellationToken = default) =>
            inner.DiscardAbandonedRevisionsAsync(cancellationToken);
    }
}
