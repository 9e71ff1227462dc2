using System.Net;
using System.Net.Sockets;

namespace Marketplace.Host.Cluster;

/// <summary>
/// A second host started with the same silo or gateway port as a running one does not fail on its own: both bind
/// and they split the connections between them (seen with Orleans 10 on Linux). So the ports are tried first, the
/// plain way, and a port in use stops the host with the setting to change.
/// </summary>
public static class SiloPorts
{
    public static void EnsureFree(int siloPort, int gatewayPort)
    {
        if (siloPort == gatewayPort)
        {
            throw new InvalidOperationException($"Marketplace:SiloPort and Marketplace:GatewayPort are both {siloPort}; give each its own port.");
        }
        EnsureFree(siloPort, "Marketplace:SiloPort");
        EnsureFree(gatewayPort, "Marketplace:GatewayPort");
    }

    private static void EnsureFree(int port, string setting)
    {
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new InvalidOperationException($"{setting} is {port}; a port is 1-65535.");
        }
        // Address reuse as the silo itself binds: a port a killed host left in TIME_WAIT is free, one being listened on is not.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Any, port));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new InvalidOperationException(
                $"Port {port} ({setting}) is in use, perhaps by another marketplace host on this machine. Two hosts with the same port would "
                + $"split each other's connections: give this one other ports (--{setting}=<port>).", e);
        }
    }
}
