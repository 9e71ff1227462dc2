using System.Net;

namespace Marketplace.Host.Tests;

/// <summary>One data directory, one marketplace process: a second host refuses to start and says why.</summary>
public sealed class DataDirectoryLockTests
{
    [Fact]
    public async Task A_second_host_on_the_same_data_directory_refuses_to_start_and_names_the_directory()
    {
        await using var first = new MarketplaceFactory();
        _ = first.Server;
        await using var second = new MarketplaceFactory(first.DataDirectory);

        var refused = Assert.ThrowsAny<Exception>(() => second.Server);

        var reason = Innermost<InvalidOperationException>(refused);
        Assert.Contains("is in use by another marketplace process", reason.Message, StringComparison.Ordinal);
        Assert.Contains(first.DataDirectory, reason.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task The_directory_is_free_again_once_its_host_is_disposed()
    {
        string dataDirectory;
        await using (var first = new MarketplaceFactory())
        {
            _ = first.Server;
            dataDirectory = first.DataDirectory;
        }

        await using var second = new MarketplaceFactory(dataDirectory);

        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().GetAsync("/health")).StatusCode);
    }

    private static T Innermost<T>(Exception e) where T : Exception
    {
        T? found = null;
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                found = match;
            }
        }
        return found ?? throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in {e}");
    }
}
