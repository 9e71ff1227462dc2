namespace Marketplace.Domain;

/// <summary>
/// A rule of the marketplace was broken by the caller's input. <see cref="Code"/> is stable and machine
/// readable; the message says what to change.
/// </summary>
[GenerateSerializer, Alias("Marketplace.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(string code, string message) : base(message) => Code = code;

    public DomainException() : this("domain.error", "A marketplace rule was broken.") { }

    public DomainException(string message) : this("domain.error", message) { }

    public DomainException(string message, Exception innerException) : base(message, innerException) => Code = "domain.error";

    [Id(0)] public string Code { get; }
}
