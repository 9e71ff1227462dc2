using Marketplace.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Billing.Tests.Subjects;

public sealed class DataSubjectShareOptionsTests
{
    private static BillingOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{BillingOptions.Section}:{s.Key}", s.Value)))
            .Build();
        using var services = new ServiceCollection().AddLogging().AddMarketplaceBilling(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<BillingOptions>>().Value;
    }

    [Fact]
    public void The_peoples_share_is_ten_percent_unless_configured()
    {
        Assert.Equal(1_000, Options().DataSubjectShareBasisPoints);
        Assert.Equal(2_500, Options(("DataSubjectShareBasisPoints", "2500")).DataSubjectShareBasisPoints);
    }

    [Theory]
    [InlineData("10001", "2000")]
    [InlineData("-1", "2000")]
    [InlineData("8500", "2000")]
    public void A_share_the_provider_cannot_give_stops_the_host_at_start_up(string share, string personalFee)
    {
        var error = Assert.Throws<DomainException>(() => Options(("DataSubjectShareBasisPoints", share), ("PlatformFeeBasisPoints:Personal", personalFee)));

        Assert.Equal(ErrorCodes.BillingRateInvalid.Value, error.Code);
    }
}
