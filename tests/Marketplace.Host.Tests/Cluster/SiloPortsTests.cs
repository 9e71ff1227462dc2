using System.Net;
using System.Net.Sockets;
using Marketplace.Host.Cluster;

namespace Marketplace.Host.Tests.Cluster;

/// <summary>A second host on the ports of a running one stops at start, naming the setting to change.</summary>
public sealed class SiloPortsTests
{
    [Fact]
    public void A_silo_port_another_process_listens_on_is_refused_naming_the_setting()
    {
        using var running = new TcpListener(IPAddress.Loopback, 0);
        running.Start();
        var taken = ((IPEndPoint)running.LocalEndpoint).Port;

        var error = Assert.Throws<InvalidOperationException>(() => SiloPorts.EnsureFree(taken, MarketplaceFactory.FreePort()));

        Assert.Contains("Marketplace:SiloPort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_port_for_silo_and_gateway_is_refused()
    {
        var port = MarketplaceFactory.FreePort();

        Assert.Throws<InvalidOperationException>(() => SiloPorts.EnsureFree(port, port));
    }

    [Fact]
    public void Free_ports_pass()
    {
        SiloPorts.EnsureFree(MarketplaceFactory.FreePort(), MarketplaceFactory.FreePort());
    }
}
