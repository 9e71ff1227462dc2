namespace Marketplace.Domain;

/// <summary>
/// One data row checked against a schema. <see cref="Line"/> is the physical line the row starts on. When
/// <see cref="Errors"/> is empty, <see cref="Json"/> is the canonical compact JSON object (schema fields in schema
/// order, missing optional values as null) and <see cref="SubjectId"/> the value of the schema's subject field.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.ParsedRecord")]
public sealed record ParsedRecord(
    [property: Id(0)] long Line,
    [property: Id(1)] string? Json,
    [property: Id(2)] string? SubjectId,
    IReadOnlyList<string> Errors)
{
    [Id(3)]
    public IReadOnlyList<string> Errors { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Errors);

    public bool IsValid => Errors.Count == 0;

    public bool Equals(ParsedRecord? other) =>
        other is not null && Line == other.Line && Json == other.Json && SubjectId == other.SubjectId
        && ReadOnlyLists.SequenceEqual(Errors, other.Errors);

    public override int GetHashCode() => HashCode.Combine(Line, Json, SubjectId, ReadOnlyLists.Hash(Errors));

    internal static ParsedRecord Invalid(long line, IReadOnlyList<string> errors) => new(line, null, null, errors);
}
