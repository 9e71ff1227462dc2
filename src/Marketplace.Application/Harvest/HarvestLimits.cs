namespace Marketplace.Application.Harvest;

/// <summary>The bounds of every harvest: a remote source is not trusted to be small, quick or well-formed.</summary>
public sealed class HarvestLimits
{
    public const string Section = "Marketplace:Harvest";

    /// <summary>The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client harvests use.</summary>
    public const string HttpClientName = "harvest";

    /// <summary>Datasets harvested from one source; a source listing more is harvested up to this and nothing of it is withdrawn.</summary>
    public int MaxDatasetsPerSource { get; set; } = 10_000;

    /// <summary>Rows asked of a CKAN package_search page.</summary>
    public int CkanPageSize { get; set; } = 100;

    /// <summary>The largest CKAN answer read (one page).</summary>
    public long MaxCkanPageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The largest DCAT document read (the whole catalog at once).</summary>
    public long MaxDcatBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long one request to a source may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a run holds its source: a run that dies is taken over after this.</summary>
    public TimeSpan RunLease { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Listings written at once during a run.</summary>
    public int Parallelism { get; set; } = 8;
}
