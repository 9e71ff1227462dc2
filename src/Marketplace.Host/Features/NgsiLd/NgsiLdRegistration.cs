using Hangfire;
using Marketplace.Application.NgsiLd;
using Marketplace.Grains;
using Marketplace.Host.Features.Datasets;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Host.Features.NgsiLd;

/// <summary>The City OS feed's services and its recurring publication job.</summary>
public static class NgsiLdRegistration
{
    public static IServiceCollection AddNgsiLdFeed(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        var limits = configuration.GetSection(NgsiLdLimits.Section).Get<NgsiLdLimits>() ?? new NgsiLdLimits();
        var context = NgsiLdCoreContext.Load();
        services.AddSingleton(limits);
        services.AddSingleton(context);
        services.AddSingleton(context.Terms);
        services.AddSingleton<INgsiLdBuffer>(new NgsiLdFileBuffer(dataDirectory, limits.ReplayWindow));
        services.AddSingleton<INgsiLdRevisionLoader, UploadedRevisionLoader>();
        services.AddSingleton<NgsiLdFeeds>();
        services.AddSingleton<NgsiLdJobs>();
        services.AddHostedService<RecurringNgsiLdJob>();
        return services;
    }

    /// <summary>Loads an interval's JSON Lines through <see cref="RevisionUpload"/>, the path every revision takes.</summary>
    private sealed class UploadedRevisionLoader(RevisionUpload upload) : INgsiLdRevisionLoader
    {
        public Task<DatasetRevision> LoadAsync(DatasetView dataset, Stream jsonLines, string revisionId, CancellationToken cancellationToken = default) =>
            upload.UploadAsync(dataset.ProviderId, dataset, jsonLines, "application/x-ndjson", null, revisionId, cancellationToken);
    }

    private sealed class RecurringNgsiLdJob(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<NgsiLdJobs>(NgsiLdJobs.PublishId, jobs => jobs.PublishDueAsync(CancellationToken.None), NgsiLdJobs.Schedule);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Publishes the closed intervals of every dataset's feed (a notification after the interval would too).</summary>
public sealed class NgsiLdJobs(NgsiLdFeeds feeds)
{
    public const string PublishId = "ngsi-ld-publish";

    /// <summary>Every minute: the shortest interval a feed may have.</summary>
    public const string Schedule = "* * * * *";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 3)]
    public async Task PublishDueAsync(CancellationToken cancellationToken) => await feeds.PublishDueAsync(cancellationToken);
}
