using System.Text.RegularExpressions;

namespace Marketplace.Domain.NgsiLd;

/// <summary>
/// One line of a feed's mapping: where a value comes from in a notified entity (<see cref="Source"/>) and the
/// dataset field it fills. Sources are the entity's <c>id</c> or <c>type</c>, its <c>observedAt</c> (the latest
/// observedAt of its attributes), an attribute by name (its value, a Relationship's object, a GeoProperty's
/// GeoJSON), or one facet of an attribute: <c>NO2.observedAt</c>, <c>NO2.unitCode</c>, <c>location.latitude</c>,
/// <c>location.longitude</c> (a GeoProperty Point).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.NgsiLdMapping")]
public sealed record NgsiLdMapping([property: Id(0)] string Source, [property: Id(1)] string Field);

/// <summary>What a mapping source reads from an entity.</summary>
public enum NgsiLdSourceKind
{
    EntityId,
    EntityType,
    EntityObservedAt,
    Value,
    ObservedAt,
    UnitCode,
    Latitude,
    Longitude,
}

/// <summary>A mapping source taken apart: the attribute it names (none for the entity's own id, type and observedAt) and what it reads.</summary>
public sealed record NgsiLdSource(NgsiLdSourceKind Kind, string? Attribute)
{
    public static NgsiLdSource Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        switch (source)
        {
            case "id": return new(NgsiLdSourceKind.EntityId, null);
            case "type": return new(NgsiLdSourceKind.EntityType, null);
            case "observedAt": return new(NgsiLdSourceKind.EntityObservedAt, null);
        }
        // A facet is the part after the last dot, and only when it is one of the four: attribute names that are
        // IRIs have dots of their own.
        var dot = source.LastIndexOf('.');
        if (dot > 0)
        {
            NgsiLdSourceKind? facet = source[(dot + 1)..] switch
            {
                "observedAt" => NgsiLdSourceKind.ObservedAt,
                "unitCode" => NgsiLdSourceKind.UnitCode,
                "latitude" => NgsiLdSourceKind.Latitude,
                "longitude" => NgsiLdSourceKind.Longitude,
                _ => null,
            };
            if (facet is { } kind)
            {
                return new(kind, source[..dot]);
            }
        }
        return new(NgsiLdSourceKind.Value, source);
    }

    /// <summary>The field types a source's values can fill; null when any type can (an attribute's value, checked per notification).</summary>
    public IReadOnlyList<FieldType>? Accepts => Kind switch
    {
        NgsiLdSourceKind.EntityId or NgsiLdSourceKind.EntityType or NgsiLdSourceKind.UnitCode => [FieldType.String],
        NgsiLdSourceKind.EntityObservedAt or NgsiLdSourceKind.ObservedAt => [FieldType.DateTime, FieldType.String],
        NgsiLdSourceKind.Latitude or NgsiLdSourceKind.Longitude => [FieldType.Number],
        _ => null,
    };
}

/// <summary>
/// A dataset's City OS feed: the entity types it accepts, how an entity's attributes map to the dataset's fields,
/// and how often the notified records become a new revision (aligned to UTC multiples of the interval from the
/// Unix epoch, so PT1H closes on the hour).
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.NgsiLdFeed")]
public sealed partial record NgsiLdFeed(IReadOnlyList<string> EntityTypes, IReadOnlyList<NgsiLdMapping> Mappings, [property: Id(2)] TimeSpan Interval)
{
    public const int MaxEntityTypes = 20;
    public const int MaxNameLength = 256;
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    [Id(0)]
    public IReadOnlyList<string> EntityTypes { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(EntityTypes);

    [Id(1)]
    public IReadOnlyList<NgsiLdMapping> Mappings { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Mappings);

    public bool Equals(NgsiLdFeed? other) =>
        other is not null && Interval == other.Interval
        && ReadOnlyLists.SequenceEqual(EntityTypes, other.EntityTypes) && ReadOnlyLists.SequenceEqual(Mappings, other.Mappings);

    public override int GetHashCode() => HashCode.Combine(ReadOnlyLists.Hash(EntityTypes), ReadOnlyLists.Hash(Mappings), Interval);

    /// <summary>The interval <paramref name="at"/> falls in: [start, end).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) IntervalOf(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var start = DateTimeOffset.UnixEpoch.AddTicks(ticks - (ticks % Interval.Ticks));
        return (start, start + Interval);
    }

    /// <summary>Throws <see cref="ErrorCodes.NgsiLdFeedInvalid"/> naming what to change if the feed cannot fill the schema.</summary>
    public void Validate(DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (Interval < MinInterval || Interval > MaxInterval || Interval.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw Invalid($"The revision interval must be whole minutes from PT1M to P1D (e.g. PT1H), not {FormatInterval(Interval)}.");
        }
        if (EntityTypes.Count is 0 or > MaxEntityTypes)
        {
            throw Invalid($"Name 1 to {MaxEntityTypes} entity types the feed accepts, e.g. [\"AirQualityObserved\"].");
        }
        foreach (var type in EntityTypes)
        {
            if (string.IsNullOrWhiteSpace(type) || type.Length > MaxNameLength || type.Any(char.IsWhiteSpace))
            {
                throw Invalid($"'{type}' is not an entity type: a name or IRI of 1 to {MaxNameLength} characters without spaces.");
            }
        }
        if (Mappings.Count == 0 || Mappings.Count > schema.Fields.Count)
        {
            throw Invalid($"Map 1 to {schema.Fields.Count} attributes to the dataset's fields, e.g. {{ \"attribute\": \"NO2\", \"field\": \"no2\" }}.");
        }
        var mapped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mapping in Mappings)
        {
            ValidateMapping(mapping, schema, mapped);
        }
        var unmapped = schema.Fields.FirstOrDefault(f => f.Required && !mapped.Contains(f.Name));
        if (unmapped is not null)
        {
            throw Invalid($"Field '{unmapped.Name}' is required, but no attribute maps to it; map one, e.g. {{ \"attribute\": \"id\", \"field\": \"{unmapped.Name}\" }}.");
        }
    }

    public static string FormatInterval(TimeSpan interval) => System.Xml.XmlConvert.ToString(interval);

    /// <summary>Reads an ISO 8601 duration such as PT1H or PT15M; throws a field error when it is not one.</summary>
    public static TimeSpan ParseInterval(string? text)
    {
        try
        {
            return System.Xml.XmlConvert.ToTimeSpan(text?.Trim() ?? "");
        }
        catch (FormatException)
        {
            throw Invalid($"'{text}' is not an ISO 8601 duration; write the revision interval as e.g. PT1H, PT15M or P1D.");
        }
        catch (OverflowException)
        {
            throw Invalid($"'{text}' is longer than a day; write the revision interval as e.g. PT1H, PT15M or P1D.");
        }
    }

    private static void ValidateMapping(NgsiLdMapping? mapping, DatasetSchema schema, HashSet<string> mapped)
    {
        if (mapping is null || string.IsNullOrWhiteSpace(mapping.Source) || string.IsNullOrWhiteSpace(mapping.Field))
        {
            throw Invalid("Each mapping names an attribute and a field, e.g. { \"attribute\": \"NO2\", \"field\": \"no2\" }.");
        }
        if (mapping.Source.Length > MaxNameLength || !AttributeName().IsMatch(mapping.Source))
        {
            throw Invalid($"'{Shorten(mapping.Source)}' is not an attribute name: use the NGSI-LD name (e.g. NO2 or location.latitude) without spaces or quotes.");
        }
        var field = schema.Find(mapping.Field) ?? throw Invalid(
            $"Field '{mapping.Field}' is not in the dataset's schema; its fields are: {string.Join(", ", schema.Fields.Select(f => f.Name))}.");
        if (!mapped.Add(field.Name))
        {
            throw Invalid($"Field '{field.Name}' is mapped twice; map each field from one attribute.");
        }
        var source = NgsiLdSource.Parse(mapping.Source);
        if (source.Accepts is { } accepts && !accepts.Contains(field.Type))
        {
            throw Invalid($"'{mapping.Source}' gives {Gives(source.Kind)}, but field '{field.Name}' is {FieldValues.Expected(field.Type)}; "
                + $"map it to a {string.Join(" or ", accepts)} field.");
        }
    }

    private static string Gives(NgsiLdSourceKind kind) => kind switch
    {
        NgsiLdSourceKind.EntityId => "the entity id (text)",
        NgsiLdSourceKind.EntityType => "the entity type (text)",
        NgsiLdSourceKind.UnitCode => "a unit code (text)",
        NgsiLdSourceKind.Latitude or NgsiLdSourceKind.Longitude => "a coordinate (a number)",
        _ => "a date-time",
    };

    private static string Shorten(string text) => text.Length <= 50 ? text : string.Concat(text.AsSpan(0, 47), "...");

    private static DomainException Invalid(string message) => new(ErrorCodes.NgsiLdFeedInvalid, message);

    [GeneratedRegex(@"^[^\s""'<>\\{}|^`]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();
}
