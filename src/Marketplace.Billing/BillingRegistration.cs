using Marketplace.Application.Telemetry;
using Marketplace.Billing.Invoices;
using Marketplace.Billing.Outbox;
using Marketplace.Billing.Payments;
using Marketplace.Billing.Parties;
using Marketplace.Billing.Periods;
using Marketplace.Billing.Reconciliation;
using Marketplace.Billing.Subjects;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Billing;

public static class BillingRegistration
{
    /// <summary>The billing use cases (period close, invoices, statements, billing profiles) and their options.</summary>
    public static IServiceCollection AddMarketplaceBilling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BillingOptions>()
            .Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o =>
            {
                _ = o.NormalisedIssuerRegistration();
                new Marketplace.Domain.BillingRates(o.TaxRateBasisPoints, 0, o.ConnectionFeeMinor).Validate();
                Marketplace.Domain.DataSubjectShare.CheckRate(o.DataSubjectShareBasisPoints, o.PlatformFeeFor(Marketplace.Domain.DatasetClass.Personal));
                return o.GraceWindow >= TimeSpan.Zero && o.DaysUntilDue is > 0 and <= 365 && o.CloseParallelism is > 0 and <= 64;
            }, "Marketplace:Billing is invalid: the grace window must not be negative, DaysUntilDue 1-365, CloseParallelism 1-64.")
            .ValidateOnStart();
        services.AddMarketplaceMetrics();
        services.TryAddSingleton<PeriodClosing>();
        services.TryAddSingleton<InvoiceQueries>();
        services.TryAddSingleton<SubjectShareDistribution>();
        services.TryAddSingleton<SubjectEarningsQueries>();
        services.TryAddSingleton<PartyBillingProfiles>();
        services.TryAddTransient<BillingJobs>();
        services.AddStripePayments(configuration.GetSection(StripeOptions.SectionName));
        services.TryAddSingleton<PaymentLinks>();
        services.TryAddSingleton<PaymentOutboxSweep>();
        services.TryAddSingleton<PaymentEvents>();
        services.AddSingleton<IPaymentWork, InvoicePaymentWork>();
        services.AddSingleton<IPaymentWork, CreditNotePaymentWork>();
        services.AddSingleton<IPaymentWork, PayoutWork>();
        services.TryAddSingleton<PaymentBacklog>();
        services.AddUsageReportingAndReconciliation(configuration);
        return services;
    }
}
