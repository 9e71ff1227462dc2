using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Marketplace.Domain;
using Marketplace.Host.Auth;
using Marketplace.Host.Errors;
using Microsoft.AspNetCore.RateLimiting;

namespace Marketplace.Host.Http;

/// <summary>A token bucket: up to <see cref="Burst"/> requests at once, refilled by <see cref="TokensPerPeriod"/> every <see cref="Period"/>.</summary>
public sealed class RateLimitRule
{
    public int Burst { get; set; }

    public int TokensPerPeriod { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The "Marketplace:RateLimits" section.</summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Per API key (its prefix), for authenticated requests. High by default: one buyer's key drives the
    /// brokered benchmark at about 12,000 requests a second; the quota, not this, is the commercial limit.
    /// </summary>
    public RateLimitRule PerKey { get; set; } = new() { Burst = 100_000, TokensPerPeriod = 100_000 };

    /// <summary>Per client address, for requests without a valid key (browsing the catalog, a wrong key).</summary>
    public RateLimitRule PerAddress { get; set; } = new() { Burst = 200, TokensPerPeriod = 100 };

    /// <summary>
    /// Password attempts per client address (sign-in and password change posts), on top of the per-person lockout:
    /// the lockout stops guessing one person's password, this stops trying one password on many people.
    /// </summary>
    public RateLimitRule SignInPerAddress { get; set; } = new() { Burst = 20, TokensPerPeriod = 20, Period = TimeSpan.FromMinutes(1) };
}

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by key prefix for authenticated requests and by client address for
/// the rest, answering 429 ProblemDetails with Retry-After. It runs after authentication (the key must be
/// verified to pick its partition); a made-up key is limited by its address, and its prefix is remembered as
/// unknown by <see cref="ApiKeyCache"/>.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddMarketplaceRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return services.AddRateLimiter(o =>
        {
            var signIns = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsPasswordAttempt(http.Request)
                    ? RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown address", _ => Bucket(limits.SignInPerAddress))
                    : RateLimitPartition.GetNoLimiter(""));
            var requests = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                // Key prefixes (12 letters and digits) and addresses (with '.' or ':') never look alike, so each
                // is its own partition key as it is: nothing is allocated per request to name the partition.
                var key = http.User.FindFirstValue(ApiKeyAuthentication.KeyClaim);
                return key is not null
                    ? RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(limits.PerKey))
                    : RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown address", _ => Bucket(limits.PerAddress));
            });
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(requests, signIns);
            o.OnRejected = RejectAsync;
        });
    }

    /// <summary>A form post that checks a password: the sign-in page's and the password change's.</summary>
    public static bool IsPasswordAttempt(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method)
            && (request.Path.Equals("/signin", StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/account/password", StringComparison.OrdinalIgnoreCase));
    }

    private static TokenBucketRateLimiterOptions Bucket(RateLimitRule rule) => new()
    {
        TokenLimit = Math.Max(1, rule.Burst),
        TokensPerPeriod = Math.Max(1, rule.TokensPerPeriod),
        ReplenishmentPeriod = rule.Period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<Marketplace.Application.Telemetry.MarketplaceMetrics>().RateLimitRejected(http.User.Identity?.IsAuthenticated == true);
        var problem = ProblemMapping.FromDomain(new DomainException(ErrorCodes.RateLimited,
            $"Too many requests from this {(http.User.Identity?.IsAuthenticated == true ? "API key" : "address")}; try again in {seconds} s."));
        problem.Title = "Too many requests";
        problem.Extensions["retryAfter"] = seconds;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
