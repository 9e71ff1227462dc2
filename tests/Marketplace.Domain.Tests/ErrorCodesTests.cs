using System.Reflection;
using Marketplace.Domain;

namespace Marketplace.Domain.Tests;

public class ErrorCodesTests
{
    private static IEnumerable<DomainErrorCode> Catalogue() =>
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DomainErrorCode))
            .Select(f => (DomainErrorCode)f.GetValue(null)!);

    [Fact]
    public void Every_code_in_the_catalogue_is_spelled_once()
    {
        var duplicates = Catalogue().GroupBy(c => c.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_code_is_lower_case_area_dot_name()
    {
        var malformed = Catalogue().Where(c => !System.Text.RegularExpressions.Regex.IsMatch(c.Value, "^[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*$")).ToList();
        Assert.Empty(malformed);
    }

    [Fact]
    public void A_domain_exception_carries_the_kind_of_its_code()
    {
        var e = new DomainException(ErrorCodes.ContractNotFound, "There is no contract 'x'.");
        Assert.Equal(("contract.not-found", ErrorKind.NotFound), (e.Code, e.Kind));
    }

    [Fact]
    public void The_kind_does_not_come_from_the_spelling_of_the_code()
    {
        var e = new DomainException(new DomainErrorCode("thing.not-found", ErrorKind.Conflict), "odd on purpose");
        Assert.Equal(ErrorKind.Conflict, e.Kind);
    }
}
