using Marketplace.Grains;
using Microsoft.Extensions.Options;

namespace Marketplace.Host.Auth;

/// <summary>
/// A new marketplace has nobody who may create parties. On first start this registers the operator
/// party "operator" and writes its API key to {DataDirectory}/operator.key (readable by the owner only).
/// </summary>
public sealed partial class OperatorBootstrap(
    IGrainFactory grains, ApiKeyIssuer keys, IOptions<MarketplaceOptions> options, ILogger<OperatorBootstrap> logger)
{
    public const string OperatorId = "operator";

    public string KeyFile => Path.Combine(options.Value.DataDirectory, "operator.key");

    public async Task EnsureOperatorAsync()
    {
        var party = grains.GetGrain<IPartyGrain>(OperatorId);
        if (await party.GetProfile() is not null)
        {
            return;
        }
        await party.Register(PartyRole.Operator, "Marketplace operator");
        var key = await keys.IssueAsync(new ApiPrincipal(OperatorId, PartyRole.Operator));
        // Owner-only from its first byte and written whole, so neither another user nor a crash sees part of it.
        await PrivateFile.WriteAllTextAsync(KeyFile, key + Environment.NewLine);
        LogOperatorKeyWritten(logger, KeyFile);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "New marketplace: the operator's API key was written to {KeyFile}. Keep it secret.")]
    private static partial void LogOperatorKeyWritten(ILogger logger, string keyFile);
}

/// <summary>Start-up work that needs the silo running: clean up after a crash, then make sure an operator exists.</summary>
public sealed class MarketplaceStartup(OperatorBootstrap bootstrap, Storage.IRecordStore records, IOptions<MarketplaceOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Uploads cut off by a crash left their spool files; none can be running before the host has started.
        new Features.Datasets.UploadSpool(options.Value.DataDirectory).Sweep();
        await records.DiscardAbandonedRevisionsAsync(cancellationToken);
        await bootstrap.EnsureOperatorAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
