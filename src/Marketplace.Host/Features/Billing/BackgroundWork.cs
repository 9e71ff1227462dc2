using Hangfire;
using Hangfire.Dashboard;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Marketplace.Billing;
using Marketplace.Billing.Usage;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Microsoft.Extensions.Options;

namespace Marketplace.Host.Features.Billing;

/// <summary>The "Marketplace:Jobs" section: whether this host runs background jobs, and with how many workers.</summary>
public sealed class JobOptions
{
    public const string Section = "Marketplace:Jobs";

    /// <summary>Whether this host runs a Hangfire server (every host may; jobs are idempotent). Off, jobs wait for a host that does.</summary>
    public bool RunServer { get; set; } = true;

    public int Workers { get; set; } = 2;

    /// <summary>
    /// How long a request waits for the embedded (in-memory) job storage's single dispatcher thread to take a command
    /// before it fails (Hangfire.InMemory's default is 15 s; a busy 2-core host under load has come close to that).
    /// </summary>
    public TimeSpan StorageCommandTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Hangfire in the host: storage, server, the recurring billing jobs and the dashboard at /hangfire (signed-in
/// operators only). The embedded default keeps Hangfire's storage in memory (Hangfire.InMemory, the official
/// package): everything a job acts on lives in the marketplace's own store (closed periods, invoices, the
/// outbox), and the recurring jobs are registered at every start, so losing Hangfire's storage with the process
/// delays work and never loses it. That avoids Hangfire.Storage.SQLite, which would raise SQLitePCLRaw for the
/// whole app. A cluster shares one Redis (Hangfire.Redis.StackExchange) so that hosts share one schedule.
/// </summary>
public static class BackgroundWork
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddMarketplaceBackgroundWork(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        // Each host its own storage, registered before AddHangfire so that it is not JobStorage.Current (a static
        // several hosts in one process, such as tests, would share).
        var cluster = Cluster.ClusterSettings.From(configuration);
        services.AddSingleton<JobStorage>(_ => cluster.IsCluster
            // One schedule for the whole cluster: a job runs once, on whichever host's worker takes it first.
            ? new Hangfire.Redis.StackExchange.RedisStorage(cluster.Redis!, new Hangfire.Redis.StackExchange.RedisStorageOptions
            {
                Prefix = $"{{{cluster.ServiceId}:hangfire}}:",
            })
            : new InMemoryStorage(new InMemoryStorageOptions
            {
                MaxExpirationTime = TimeSpan.FromDays(7),
                CommandTimeout = options.StorageCommandTimeout > TimeSpan.Zero ? options.StorageCommandTimeout : TimeSpan.FromSeconds(60),
            }));
        // Likewise the activator: jobs resolve their services from this host's container, not from whichever host
        // set Hangfire's static JobActivator.Current last.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        if (options.RunServer)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = Math.Clamp(options.Workers, 1, 20);
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            });
        }
        services.AddHostedService<RecurringBillingJobs>();
        services.AddHostedService<ReconciliationResume>();
        return services;
    }

    public static IApplicationBuilder UseMarketplaceDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new SignedInOperators()],
            DisplayStorageConnectionString = false,
            AppPath = "/console/operator",
            DashboardTitle = "Marketplace jobs",
        });

    /// <summary>The dashboard is for operators signed in to the web front end (or calling with an operator key).</summary>
    private sealed class SignedInOperators : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Operator);
    }

    /// <summary>Registers the recurring jobs at every start: the schedule is configuration, not state to lose.</summary>
    private sealed class RecurringBillingJobs(IRecurringJobManager recurring, IOptions<BillingOptions> billing, IOptions<UsageReportingOptions> usage, BillingCalendar calendar) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<BillingJobs>(BillingJobs.CloseDuePeriodsId, jobs => jobs.CloseDuePeriodsAsync(CancellationToken.None),
                billing.Value.CloseSchedule, new RecurringJobOptions { TimeZone = calendar.Zone });
            recurring.AddOrUpdate<BillingJobs>(BillingJobs.SweepPaymentsId, jobs => jobs.SweepPaymentsAsync(CancellationToken.None),
                billing.Value.SweepSchedule, new RecurringJobOptions { TimeZone = calendar.Zone });
            recurring.AddOrUpdate<UsageReportingJobs>(UsageReportingJobs.ReportUsageId, jobs => jobs.ReportUsageAsync(CancellationToken.None),
                usage.Value.Schedule, new RecurringJobOptions { TimeZone = calendar.Zone });
            recurring.AddOrUpdate<Consent.ProvisionRecordJobs>(Consent.ProvisionRecordJobs.PruneId, jobs => jobs.PruneAsync(CancellationToken.None),
                Consent.ProvisionRecordJobs.Schedule, new RecurringJobOptions { TimeZone = calendar.Zone });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
