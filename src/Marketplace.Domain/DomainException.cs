namespace Marketplace.Domain;

/// <summary>
/// A rule of the marketplace was broken by the caller's input or the current state. <see cref="Code"/> is
/// stable and machine readable; <see cref="Kind"/> decides how the edge answers (the HTTP status); the
/// message says what to change.
/// </summary>
[GenerateSerializer, Alias("Marketplace.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorCode code, string message) : base(message)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code.Value;
        Kind = code.Kind;
    }

    public DomainException() : this(ErrorCodes.DomainError, "A marketplace rule was broken.") { }

    public DomainException(string message) : this(ErrorCodes.DomainError, message) { }

    public DomainException(string message, Exception innerException) : base(message, innerException)
    {
        Code = ErrorCodes.DomainError.Value;
        Kind = ErrorCodes.DomainError.Kind;
    }

    [Id(0)] public string Code { get; }

    [Id(1)] public ErrorKind Kind { get; }
}
