using Marketplace.Domain;

namespace Marketplace.Domain.Tests.Billing;

public sealed class InvoiceRegistrationNumberTests
{
    [Theory]
    [InlineData("T1234567890123")]
    [InlineData("t1234567890123")]
    [InlineData("Ｔ１２３４５６７８９０１２３")]
    [InlineData("T1-2345-6789-0123")]
    public void A_number_as_people_type_it_is_normalised(string text)
    {
        Assert.Equal("T1234567890123", InvoiceRegistrationNumber.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567890123")]
    [InlineData("T123456789012")]
    [InlineData("T12345678901234")]
    [InlineData("X1234567890123")]
    [InlineData("T12345678901२3")]
    public void Anything_else_is_refused(string text)
    {
        var error = Assert.Throws<DomainException>(() => InvoiceRegistrationNumber.Parse(text));

        Assert.Equal(ErrorCodes.InvoiceRegistrationInvalid.Value, error.Code);
    }
}
