using Marketplace.Application.Consent;
using Marketplace.Host.Features.Consent;
using System.Text.Json.Serialization;
using Marketplace.Application.Access;
using Marketplace.Application.Catalog;
using Marketplace.Application.Contracts;
using Marketplace.Application.Evaluation;
using Marketplace.Application.People;
using Marketplace.Application.Usage;
using Marketplace.Billing;
using Marketplace.Grains;
using Marketplace.Host.Auth;
using Marketplace.Host.Errors;
using Marketplace.Host.Features.Access;
using Marketplace.Host.Features.Account;
using Marketplace.Host.Features.Billing;
using Marketplace.Host.Features.Catalog;
using Marketplace.Host.Features.Console;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.Evaluation;
using Marketplace.Host.Features.Offerings;
using Marketplace.Host.Features.Parties;
using Marketplace.Host.Features.Receipts;
using Marketplace.Host.Features.Usage;
using Marketplace.Host.Http;
using Marketplace.Host.OpenApi;
using Marketplace.Host.Operations;
using Marketplace.Host.Web;
using Marketplace.Host.Health;
using Marketplace.Host.Telemetry;
using Marketplace.Storage.Cosmos;
using Marketplace.Storage.Sqlite;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace Marketplace.Host;

/// <summary>Composition of the host: the Orleans silo, the store, auth, errors and every feature's endpoints.</summary>
public static class MarketplaceApp
{
    public static WebApplicationBuilder AddMarketplace(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(MarketplaceOptions.Section).Get<MarketplaceOptions>() ?? new MarketplaceOptions();
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        builder.Services.Configure<MarketplaceOptions>(o =>
        {
            builder.Configuration.GetSection(MarketplaceOptions.Section).Bind(o);
            o.DataDirectory = options.DataDirectory;
        });

        // Before anything opens a file there: a second host on the same directory stops here, with the reason.
        var directoryLock = DataDirectoryLock.Acquire(options.DataDirectory);
        builder.Services.AddSingleton(_ => directoryLock);

        var cosmos = options.Store.Equals("Cosmos", StringComparison.OrdinalIgnoreCase);
        if (!cosmos && !options.Store.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Marketplace:Store is '{options.Store}'; use 'Sqlite' or 'Cosmos'.");
        }
        // Single host (the default) or one silo of a cluster; a cluster that cannot work stops here, with what to change.
        var cluster = Cluster.ClusterSettings.From(builder.Configuration);
        cluster.Validate(cosmos);
        builder.Services.AddSingleton(cluster);
        Cluster.SiloPorts.EnsureFree(options.SiloPort, options.GatewayPort);
        void ConfigureCosmos(CosmosStoreOptions o) => builder.Configuration.GetSection($"{MarketplaceOptions.Section}:Cosmos").Bind(o);
        if (cosmos)
        {
            builder.Services.AddCosmosMarketplaceStore(ConfigureCosmos);
        }
        else
        {
            // Marketplace:Sqlite tunes the embedded store (e.g. MaxRowsScannedPerRead); its directory is the data directory.
            builder.Services.AddSqliteMarketplaceStore(o =>
            {
                builder.Configuration.GetSection($"{MarketplaceOptions.Section}:Sqlite").Bind(o);
                o.DataDirectory = options.DataDirectory;
            });
        }
        if (builder.Configuration.GetValue<bool>("Marketplace:TestClock:Enabled"))
        {
            // A rehearsal marketplace: business time is the test clock (registered first, so the grains' calendar uses it).
            var clock = new TestClock(TimeProvider.System, options.DataDirectory);
            builder.Services.AddSingleton(clock);
            builder.Services.AddSingleton(new BillingCalendar(clock, TimeZoneInfo.FindSystemTimeZoneById(options.BillingTimeZone)));
        }
        builder.Services.AddMarketplaceGrainServices(options.BillingTimeZone);
        builder.UseOrleans(silo =>
        {
            if (cluster.IsCluster)
            {
                cluster.Apply(silo, options.SiloPort, options.GatewayPort);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            }
            silo.AddActivityPropagation(); // h2 (issue 11): a request's trace continues through grain calls and storage
            if (cosmos)
            {
                silo.AddCosmosGrainStorage(GrainStorage.Name, ConfigureCosmos);
            }
            else
            {
                silo.AddSqliteGrainStorage(GrainStorage.Name);
            }
        });

        builder.Services.AddSingleton<ApiKeyIssuer>();
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddSingleton<GrainReferences>();
        builder.Services.AddSingleton(new UsageLimits(options.MaxUsageEventsPerReport, options.MaxUnitsPerUsageEvent));
        builder.Services.AddSingleton<AccessBroker>();
        builder.Services.AddSingleton<AccessLeases>(); // h2 (issue 13): fetches on leased contracts make no grain call
        builder.Services.AddSingleton<RevisionPageCache>(); // h1 (issue 13): immutable pages off the hot path
        builder.Services.AddSingleton<Marketplace.Application.Aggregates.ContractAggregates>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Marketplace:Aggregates").Get<Marketplace.Application.Aggregates.AggregateLimits>()
            ?? new Marketplace.Application.Aggregates.AggregateLimits());
        builder.Services.AddSingleton<Marketplace.Application.Aggregates.IAggregateConsent, Marketplace.Application.Aggregates.ConsentedAggregateCounting>();
        builder.Services.AddSingleton<UsageReporting>();
        builder.Services.AddSingleton<UsageStatements>();
        builder.Services.AddSingleton<OperatorBootstrap>();
        builder.Services.AddSingleton<ContractScope>();
        builder.Services.AddSingleton<RevisionUpload>();
        // h4: the provider console's services, shared with the API.
        builder.Services.AddSingleton<Marketplace.Application.Holdings.DatasetHoldings>();
        builder.Services.AddSingleton<Marketplace.Application.Holdings.OfferingHoldings>();
        builder.Services.AddSingleton<Marketplace.Application.Holdings.ContractDecisions>();
        builder.Services.AddSingleton<Features.ProviderConsole.UploadRejections>();
        builder.Services.AddSingleton<CatalogBrowsing>();
        builder.Services.AddSingleton((builder.Configuration.GetSection("Marketplace:Catalog").Get<CatalogPublication>() ?? new CatalogPublication()).Validated());
        builder.Services.AddSingleton<OpenDataCatalog>();
        builder.Services.AddSingleton<Marketplace.Application.Parties.PartyContacts>();
        builder.Services.AddSingleton<OpenDataDownloads>();
        builder.Services.AddSingleton<OfferingPreview>();
        builder.Services.AddSingleton<Marketplace.Application.Offerings.OfferingTerms>();
        builder.Services.AddSingleton<CityEvaluation>();
        builder.Services.AddHostedService<MarketplaceStartup>();
        Features.Partners.PartnerServices.AddMarketplacePartners(builder.Services); // h5 (issue 12): brokered access to partner cities

        builder.Services.AddSingleton<Subscriptions>();
        builder.Services.AddSingleton<Features.Console.BuyerContracts>();
        builder.Services.AddSingleton<Features.ProviderConsole.ProviderEarnings>();
        builder.Services.AddSingleton<PersonPasswords>();
        builder.Services.AddSingleton<PersonSignIn>();
        builder.Services.AddSingleton<PeopleAdministration>();
        builder.Services.AddSingleton<PartyAdministration>();
        // Issue 10: consent and personal data through information banks.
        if (cluster.IsCluster)
        {
            // Every host pseudonymises a person alike, signs receipts with one key ring and reads every other's cookies.
            builder.Services.AddSingleton(sp => PseudonymKeyFile.LoadOrCreate(new CosmosKeyFolder(sp.GetRequiredService<CosmosStore>(), "pseudonym")));
        }
        else
        {
            builder.Services.AddSingleton(PseudonymKeyFile.LoadOrCreate(options.DataDirectory));
        }
        builder.Services.AddSingleton<PersonalDataAccess>();
        builder.Services.AddSingleton<ProvisionRecords>();
        builder.Services.AddSingleton<ProvisionRecordJobs>();
        builder.Services.AddSingleton<SubjectDeletion>();
        builder.Services.AddSingleton<SubjectConsents>();
        builder.Services.AddSingleton<InformationBanking>();
        builder.Services.AddSingleton<BuyerCertifications>();
        builder.Services.AddSingleton<ContractConsent>();
        builder.Services.AddSingleton<SubjectRegistration>();
        builder.Services.AddSingleton<Features.SubjectPortal.NoticeSensitivity>(); // h5 (issue 10): subject portal
        // Issue 9: billing (period close, invoices, statements) and the background jobs that run it.
        builder.Services.AddMarketplaceBilling(builder.Configuration);
        builder.Services.AddMarketplaceBackgroundWork(builder.Configuration);
        Features.NgsiLd.NgsiLdRegistration.AddNgsiLdFeed(builder.Services, builder.Configuration, options.DataDirectory); // h3 (issue 12): City OS feed
        Features.Harvest.HarvestRegistration.AddMarketplaceHarvest(builder.Services, builder.Configuration); // h4 (issue 12): harvesting
        builder.AddMarketplaceOperations(); // h3 (issue 11): collection ages, shutdown budget, Orleans dashboard
        if (cluster.IsCluster)
        {
            builder.Services.AddSharedDataProtection(sp => new CosmosKeyFolder(sp.GetRequiredService<CosmosStore>(), "data-protection"));
            builder.Services.AddConsentReceipts(sp => new CosmosKeyFolder(sp.GetRequiredService<CosmosStore>(), "receipt-keys"));
        }
        else
        {
            builder.Services.AddPersistedDataProtection(options.DataDirectory);
            builder.Services.AddConsentReceipts(options.DataDirectory); // h1 (issue 10): receipt keys, signer, verifier
        }
        builder.Services.AddAuthentication(PersonCookie.SelectorScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddPersonCookie(HttpsConfigured(builder.Configuration));
        builder.Services.AddAuthorizationBuilder().AddMarketplacePolicies();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemMapping>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(Wire.EnumNaming)));
        builder.Services.AddMarketplaceRateLimits(options.RateLimits);
        builder.Services.AddMarketplaceOpenApi();
        builder.Services.AddMarketplaceWeb();
        builder.AddMarketplaceTelemetry(); // h2 (issue 11): OpenTelemetry, /metrics, health
        builder.Services.AddMarketplaceHealth();
        // The stylesheet and scripts are served from the build output too (build.ps1 run, the tests), not only
        // from a published app: without this, outside Development they answer 200 with an empty body.
        builder.WebHost.UseStaticWebAssets();
        // Served from a build's manifest, MapStaticAssets would otherwise reload edited files at run time and answer
        // every asset with no-cache; off, fingerprinted URLs (@Assets[...]) are cached for a year, immutable, as published.
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        return builder;
    }

    public static WebApplication UseMarketplace(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Resolved here so that the container owns it and releases the directory when the host is disposed.
        _ = app.Services.GetRequiredService<DataDirectoryLock>();
        app.UseResponseHygiene();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMarketplaceWebErrors();
        if (HttpsConfigured(app.Configuration))
        {
            app.UseHsts();
        }
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRouteIdCheck();
        app.UseMarketplaceDashboard();
        app.MapMarketplaceDashboard(app.Configuration); // h3 (issue 11): the Orleans dashboard at /orleans

        app.MapOpenApi();
        app.MapScalarApiReference(ApiReference.Configure);
        app.MapGet("/health", () => TypedResults.Ok("ok")).WithName("Health").WithSummary("Liveness: answers once the silo is up.").ExcludeFromDescription();
        app.MapMarketplaceHealth(); // h2 (issue 11): /health/live, /health/ready
        app.MapMarketplaceMetrics();

        app.MapPartyEndpoints();
        app.MapPeopleEndpoints();
        app.MapDatasetEndpoints();
        app.MapOfferingEndpoints();
        app.MapCatalogEndpoints();
        app.MapDownloadEndpoints();
        Marketplace.Host.Features.Ckan.CkanEndpoints.MapCkanEndpoints(app); // h5 (issue 12): CKAN API
        app.MapDcatEndpoints();
        app.MapPartyContactEndpoints();
        Features.NgsiLd.NgsiLdEndpoints.MapNgsiLdEndpoints(app); // h3 (issue 12): City OS feed (NGSI-LD)
        Features.Harvest.HarvestEndpoints.MapHarvestEndpoints(app); // h4 (issue 12): harvest sources
        app.MapContractEndpoints();
        app.MapRecordEndpoints();
        Features.Partners.PartnerEndpoints.MapPartnerEndpoints(app); // h5 (issue 12): partners and relays
        app.MapAggregateEndpoints();
        app.MapUsageEndpoints();
        app.MapAccountEndpoints();
        app.MapBuyerConsoleEndpoints();
        app.MapEvaluationEndpoints();
        app.MapBillingEndpoints();
        app.MapSubjectEndpoints();
        app.MapBankEndpoints();
        app.MapBuyerConsentEndpoints();
        app.MapStripeWebhook();
        app.MapTestClock();
        Features.ProviderConsole.ConsoleUploadEndpoint.MapProviderConsoleUpload(app);
        Features.ProviderConsole.ProviderEarnings.MapProviderEarningsCsv(app);
        Features.Console.Billing.InvoicePdf.MapInvoicePdf(app);
        app.MapReconciliationEndpoints();
        app.MapReceiptEndpoints();
        Features.SubjectPortal.SubjectDownloads.MapSubjectPortalDownloads(app); // h5 (issue 10): subject portal files
        Features.Billing.Reconciliations.ReconciliationPaths.MapReconciliationCsv(app);
        app.MapMarketplaceWeb();
        return app;
    }

    /// <summary>Whether Kestrel serves HTTPS (Kestrel:Endpoints:*:Url or the urls setting): only then is HSTS sent.</summary>
    public static bool HttpsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        static bool Https(string? url) => url?.Contains("https://", StringComparison.OrdinalIgnoreCase) == true;
        return configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(e => Https(e["Url"])) || Https(configuration["urls"]);
    }
}
