namespace Marketplace.Domain.Tests.Consent;

public sealed class PseudonymAndProjectionTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void A_pseudonym_is_stable_within_a_contract_and_differs_across_contracts()
    {
        var first = SubjectPseudonym.For(Key, "contract-a", "subj-1");

        Assert.Equal(first, SubjectPseudonym.For(Key, "contract-a", "subj-1"));
        Assert.NotEqual(first, SubjectPseudonym.For(Key, "contract-b", "subj-1"));
        Assert.NotEqual(first, SubjectPseudonym.For(Key, "contract-a", "subj-2"));
        Assert.DoesNotContain("subj-1", first, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pseudonym_depends_on_the_key()
    {
        var other = Key.Select(b => (byte)(b ^ 0xFF)).ToArray();

        Assert.NotEqual(SubjectPseudonym.For(Key, "contract-a", "subj-1"), SubjectPseudonym.For(other, "contract-a", "subj-1"));
    }

    [Fact]
    public void A_key_shorter_than_256_bits_is_refused() =>
        Assert.Throws<ArgumentException>(() => SubjectPseudonym.For(new byte[31], "c", "s"));

    [Fact]
    public void A_projected_record_keeps_only_the_covered_items_under_the_pseudonym()
    {
        var json = """{"resident_id":"subj-1","name":"山田太郎","age":52,"hba1c":6.1,"note":null}""";

        var projected = PersonalRecordProjection.Project(json, "resident_id", "p-abc", ["age"]);

        Assert.Equal("""{"resident_id":"p-abc","age":52}""", projected);
    }
}
