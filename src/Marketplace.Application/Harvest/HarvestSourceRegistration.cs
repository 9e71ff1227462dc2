using Marketplace.Domain;
using Marketplace.Domain.Harvest;
using Marketplace.Grains;

namespace Marketplace.Application.Harvest;

/// <summary>A harvest source as an operator registers it (the API's body and the console's form).</summary>
/// <param name="Kind">"ckan" (a CKAN action API base URL) or "dcat" (a DCAT-AP catalog in Turtle).</param>
/// <param name="Schedule">"hourly" (the default), "daily", "weekly" or "manual".</param>
/// <param name="Publisher">The name of the party that stands for the source here; the source's name when left out.</param>
public sealed record HarvestSourceRegistration(string? Name, string? Kind, string? Url, string? Schedule = null, string? Publisher = null)
{
    /// <summary>The definition to store, or a <see cref="DomainException"/> naming the field to fix.</summary>
    public HarvestSourceDefinition Definition()
    {
        var name = Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw new DomainException(ErrorCodes.HarvestSourceInvalid, "A harvest source needs a name, e.g. \"Kawasaki open data\".");
        }
        TextBounds.Check(name, TextBounds.Name, "name");
        var kind = Kind?.Trim().ToLowerInvariant() switch
        {
            "ckan" => HarvestSourceKind.Ckan,
            "dcat" => HarvestSourceKind.Dcat,
            _ => throw new DomainException(ErrorCodes.HarvestSourceInvalid, "'kind' is \"ckan\" (a CKAN action API, e.g. https://city.example/api/3/action) or \"dcat\" (a DCAT-AP catalog in Turtle, e.g. https://city.example/catalog.ttl)."),
        };
        var url = (Url ?? "").Trim();
        if (url.Length > HarvestMapping.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DomainException(ErrorCodes.HarvestSourceInvalid, "'url' is the absolute http or https address of the source, e.g. https://city.example/api/3/action.");
        }
        var schedule = (Schedule ?? "hourly").Trim().ToLowerInvariant() switch
        {
            "hourly" => HarvestSchedule.Hourly,
            "daily" => HarvestSchedule.Daily,
            "weekly" => HarvestSchedule.Weekly,
            "manual" => HarvestSchedule.Manual,
            _ => throw new DomainException(ErrorCodes.HarvestSourceInvalid, "'schedule' is \"hourly\", \"daily\", \"weekly\" or \"manual\"."),
        };
        var publisher = string.IsNullOrWhiteSpace(Publisher) ? name : Publisher.Trim();
        TextBounds.Check(publisher, TextBounds.Name, "publisher");
        return new HarvestSourceDefinition(name, kind, uri.AbsoluteUri.TrimEnd('/'), schedule, publisher);
    }
}
