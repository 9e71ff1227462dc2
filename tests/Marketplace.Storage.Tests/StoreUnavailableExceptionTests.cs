using Marketplace.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Marketplace.Storage.Tests;

public sealed class StoreUnavailableExceptionTests
{
    [Fact]
    public void An_outage_crosses_a_grain_call_as_itself_with_its_retry_after()
    {
        var serializer = new ServiceCollection()
            .AddSerializer(builder => builder.AddAssembly(typeof(StoreUnavailableException).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer>();
        var outage = new StoreUnavailableException("Cosmos kept throttling.", TimeSpan.FromSeconds(7), null);

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(outage));

        var received = Assert.IsType<StoreUnavailableException>(copy);
        Assert.Equal((outage.Message, TimeSpan.FromSeconds(7)), (received.Message, received.RetryAfter));
    }
}
