namespace Marketplace.Domain;

/// <summary>
/// The columns of a dataset, in order. <see cref="SubjectField"/> names the column identifying the person a
/// record is about; personal datasets must have one so consent can be checked record by record.
/// </summary>
[GenerateSerializer, Immutable, Alias("Marketplace.DatasetSchema")]
public sealed record DatasetSchema(IReadOnlyList<SchemaField> Fields, [property: Id(1)] string? SubjectField)
{
    [Id(0)]
    public IReadOnlyList<SchemaField> Fields { get; init => field = ReadOnlyLists.Copy(value); } = ReadOnlyLists.Copy(Fields);

    public bool Equals(DatasetSchema? other) =>
        other is not null && SubjectField == other.SubjectField && ReadOnlyLists.SequenceEqual(Fields, other.Fields);

    public override int GetHashCode() => HashCode.Combine(ReadOnlyLists.Hash(Fields), SubjectField);

    /// <summary>Most fields a schema may have; uploads refuse rows with more values than this too.</summary>
    public const int MaxFields = 1_000;

    public bool HasField(string name) => Find(name) is not null;

    public SchemaField? Find(string name) => Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <summary>Throws a <see cref="DomainException"/> (code <c>schema.*</c>) if records could not be checked against it.</summary>
    public void Validate(DatasetClass datasetClass)
    {
        if (Fields.Count == 0)
        {
            throw new DomainException(ErrorCodes.SchemaNoFields, "A schema needs at least one field.");
        }
        if (Fields.Count > MaxFields)
        {
            throw new DomainException(ErrorCodes.ListTooLong, $"A schema has at most {MaxFields} fields (got {Fields.Count}).");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in Fields)
        {
            ValidateField(field);
            // Names differing only in case would be indistinguishable to most consumers of the data.
            if (!seen.Add(field.Name))
            {
                throw new DomainException(ErrorCodes.SchemaDuplicateField, $"Field names must be unique, ignoring case: '{field.Name}' appears twice.");
            }
        }
        ValidateSubject(datasetClass);
    }

    private static void ValidateField(SchemaField? field)
    {
        if (field is null)
        {
            throw new DomainException(ErrorCodes.SchemaInvalidField, "A schema field is missing; remove the empty entry.");
        }
        if (field.Name is null || !Patterns.FieldName().IsMatch(field.Name))
        {
            throw new DomainException(ErrorCodes.SchemaInvalidFieldName,
                $"'{field.Name}' is not a field name; use up to 64 letters, digits or underscores, not starting with a digit.");
        }
        if (!Enum.IsDefined(field.Type))
        {
            throw new DomainException(ErrorCodes.SchemaInvalidFieldType,
                $"Field '{field.Name}' has an unknown type; use String, Integer, Number, Boolean, Date or DateTime.");
        }
    }

    private void ValidateSubject(DatasetClass datasetClass)
    {
        if (SubjectField is null)
        {
            if (datasetClass == DatasetClass.Personal)
            {
                throw new DomainException(ErrorCodes.SchemaSubjectRequired,
                    "A personal dataset must name its subject field: the required text column identifying whom each record is about.");
            }
            return;
        }
        var subject = Find(SubjectField) ?? throw new DomainException(ErrorCodes.SchemaUnknownSubjectField,
            $"The subject field '{SubjectField}' is not one of the schema's fields.");
        if (subject.Type != FieldType.String || !subject.Required)
        {
            throw new DomainException(ErrorCodes.SchemaInvalidSubjectField,
                $"The subject field '{SubjectField}' must be a required String field so every record names its subject.");
        }
    }
}
