using Marketplace.Host.Auth;
using Orleans.Dashboard;

namespace Marketplace.Host.Operations;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) at /orleans, for operators only: the same Operator policy as
/// the operator console, so a signed-in operator (cookie) or an operator key sees it, anyone else is refused.
/// "Marketplace:OrleansDashboard:Enabled" (default true) turns it off, and with it the profiling filter it puts on
/// every grain call.
/// </summary>
public static class OrleansDashboard
{
    public const string Path = "/orleans";

    public const string EnabledSetting = "Marketplace:OrleansDashboard:Enabled";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue(EnabledSetting, defaultValue: true);

    public static ISiloBuilder AddMarketplaceDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (Enabled(configuration))
        {
            // No live log stream: an open stream would hold a stopping host for its whole shutdown budget, and logs
            // are read where they are collected.
            silo.AddDashboard(o => o.HideTrace = true);
        }
        return silo;
    }

    public static IEndpointRouteBuilder MapMarketplaceDashboard(this IEndpointRouteBuilder endpoints, IConfiguration configuration)
    {
        if (!Enabled(configuration))
        {
            return endpoints;
        }
        endpoints.MapOrleansDashboard(Path)
            .RequireAuthorization(Policies.Operator)
            .AddEndpointFilter(static (context, next) =>
                // The grain state viewer would show any grain's stored state (people's password hashes, data
                // subjects' records) outside the rules that guard them; operators read those through the marketplace.
                context.HttpContext.Request.Path.Value?.EndsWith("/GrainState", StringComparison.OrdinalIgnoreCase) == true
                    ? ValueTask.FromResult<object?>(TypedResults.NotFound())
                    : next(context))
            .ExcludeFromDescription();
        return endpoints;
    }
}
