using Marketplace.Application.Consent.Receipts;
using Marketplace.Grains;

namespace Marketplace.Host.Features.Receipts;

/// <summary>Consent receipts in the host: the key files, the signer the data-subject grain calls, and the verifier.</summary>
public static class ConsentReceipts
{
    public static IServiceCollection AddConsentReceipts(this IServiceCollection services, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        return services.AddConsentReceipts(sp => new FileKeyFolder(Path.Combine(Path.GetFullPath(dataDirectory), ConsentReceiptKeys.DirectoryName)));
    }

    /// <summary>Receipt keys in any key folder (the shared store's, for a cluster).</summary>
    public static IServiceCollection AddConsentReceipts(this IServiceCollection services, Func<IServiceProvider, Marketplace.Storage.IKeyFolder> folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        services.AddSingleton(sp => new ConsentReceiptKeys(folder(sp),
            sp.GetService<BillingCalendar>()?.Time ?? sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IConsentReceiptKeys>(sp => sp.GetRequiredService<ConsentReceiptKeys>());
        services.AddSingleton<IConsentReceiptSigner, ConsentReceiptSigner>();
        services.AddSingleton<ConsentReceiptVerifier>();
        // The first key is made when the host starts, not when the first person consents.
        services.AddHostedService<ReceiptKeysStartup>();
        return services;
    }

    private sealed class ReceiptKeysStartup(ConsentReceiptKeys keys) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = keys.Current;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
