namespace Marketplace.Domain;

/// <summary>What kind of refusal an error is; the edge maps each kind to one HTTP status.</summary>
[GenerateSerializer, Alias("Marketplace.ErrorKind")]
public enum ErrorKind
{
    /// <summary>The input breaks a rule (400).</summary>
    Invalid,

    /// <summary>Unknown, or not the caller's to know about (404).</summary>
    NotFound,

    /// <summary>Known to the caller but not allowed for it (403).</summary>
    Forbidden,

    /// <summary>Conflicts with the current state (409).</summary>
    Conflict,

    /// <summary>The period's quota or a rate is used up (429).</summary>
    Quota,

    /// <summary>Larger than a stated bound (413).</summary>
    TooLarge,

    /// <summary>A body in a format the endpoint does not read (415).</summary>
    UnsupportedMediaType,

    /// <summary>Well-formed, but the content does not fit (422): rows against a schema, amounts past a bound.</summary>
    Unprocessable,

    /// <summary>A store or dependency is unavailable for now; retrying later is safe (503).</summary>
    Unavailable,

    /// <summary>The change was based on a version that is no longer current (412): read again and reapply.</summary>
    PreconditionFailed,

    /// <summary>A change that must name the version it was based on did not (428).</summary>
    PreconditionRequired,

    /// <summary>None of the media types the request accepts is one the resource is served in (406).</summary>
    NotAcceptable,
}

/// <summary>A stable, machine-readable error code and its kind. Every code lives in <see cref="ErrorCodes"/>.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.DomainErrorCode")]
public sealed record DomainErrorCode([property: Id(0)] string Value, [property: Id(1)] ErrorKind Kind)
{
    /// <summary>The code for an invalid value of a named request field, e.g. "limit.invalid".</summary>
    public static DomainErrorCode InvalidField(string field) => new($"{field}.invalid", ErrorKind.Invalid);

    public override string ToString() => Value;
}
