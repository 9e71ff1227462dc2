using System.Collections.Immutable;

namespace Marketplace.Samples.SmartCity.Tables;

/// <summary>A dataset's schema together with a generator of its rows, cells in schema order.</summary>
public abstract class Table
{
    public abstract IReadOnlyList<Field> Fields { get; }

    /// <summary>Generates the rows afresh on every call; nothing is buffered.</summary>
    public abstract IEnumerable<IReadOnlyList<object?>> Rows();

    public static Table<TRow> For<TRow>(Func<IEnumerable<TRow>> generate) => new(generate, []);
}

/// <summary>
/// Maps typed generator rows onto schema columns. The schema is derived from the same column list
/// that produces the cells, so the two cannot drift apart.
/// </summary>
public sealed class Table<TRow> : Table
{
    private readonly Func<IEnumerable<TRow>> generate;
    private readonly ImmutableArray<(Field Field, Func<TRow, object?> Value)> columns;

    internal Table(Func<IEnumerable<TRow>> generate, ImmutableArray<(Field Field, Func<TRow, object?> Value)> columns)
    {
        this.generate = generate;
        this.columns = columns;
        Fields = [.. columns.Select(c => c.Field)];
    }

    public override IReadOnlyList<Field> Fields { get; }

    public Table<TRow> Column(string name, FieldType type, Func<TRow, object?> value) =>
        new(generate, columns.Add((new Field(name, type), value)));

    public override IEnumerable<IReadOnlyList<object?>> Rows()
    {
        foreach (var row in generate())
        {
            var cells = new object?[columns.Length];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = columns[i].Value(row);
            }

            yield return cells;
        }
    }
}
