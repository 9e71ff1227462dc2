namespace Marketplace.Host.Tests.Operate;

/// <summary>Telemetry settings that cannot work stop the host at start-up, naming the setting.</summary>
public sealed class TelemetrySettingsTests
{
    [Theory]
    [InlineData("Marketplace:Telemetry:OtlpEndpoint", "collector:4317")]
    [InlineData("Marketplace:Telemetry:MetricsNetworks:0", "10.0.0.0/33")]
    [InlineData("Marketplace:Telemetry:TraceSampleRatio", "1.5")]
    public async Task A_malformed_telemetry_setting_stops_the_host_naming_the_setting(string setting, string value)
    {
        await using var factory = new MarketplaceFactory(settings: new Dictionary<string, string> { [setting] = value });

        var refusal = Assert.Throws<InvalidOperationException>(() => factory.Server);

        Assert.Contains(setting.Split(':')[2], refusal.Message, StringComparison.Ordinal);
        Assert.Contains(value, refusal.Message, StringComparison.Ordinal);
    }
}
