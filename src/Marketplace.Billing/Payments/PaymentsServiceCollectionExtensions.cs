using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Billing.Payments;

public static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StripeOptions"/> (bound from <paramref name="section"/>, normally "Marketplace:Stripe")
    /// and one <see cref="IPaymentProcessor"/>: <see cref="StripePaymentProcessor"/> when an API key is set,
    /// <see cref="LedgerOnlyPaymentProcessor"/> otherwise. Uses the marketplace's clock (BillingCalendar) when registered, else the registered <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var options = new StripeOptions();
        section.Bind(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        if (options.IsConfigured)
        {
            services.AddSingleton<IPaymentProcessor>(sp => new StripePaymentProcessor(options, sp.GetService<Marketplace.Grains.BillingCalendar>()?.Time ?? sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddSingleton<IPaymentProcessor, LedgerOnlyPaymentProcessor>();
        }

        return services;
    }
}
