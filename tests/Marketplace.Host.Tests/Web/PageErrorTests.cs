using System.Net;
using Marketplace.Host.Tests.Faults;

namespace Marketplace.Host.Tests.Web;

/// <summary>A failure under a page is the error page in the visitor's language, never a stack trace; the API keeps its ProblemDetails.</summary>
public sealed class PageErrorTests(FaultyMarketplaceFixture fixture) : IClassFixture<FaultyMarketplaceFixture>
{
    [Theory]
    [InlineData("ja", "<h1>エラーが発生しました</h1>")]
    [InlineData("en", "<h1>Something went wrong</h1>")]
    public async Task A_page_whose_store_fails_answers_the_error_page_without_a_stack_trace(string language, string heading)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?q=bus");
        request.Headers.AcceptLanguage.ParseAdd(language);

        fixture.Faults.Unavailable = true;
        HttpResponseMessage response;
        try
        {
            response = await fixture.Factory.CreateClient().SendAsync(request);
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(heading, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Marketplace.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_catalog_keeps_answering_problem_details_when_the_store_fails()
    {
        fixture.Faults.Unavailable = true;
        HttpResponseMessage response;
        try
        {
            response = await fixture.Factory.CreateClient().GetAsync("/api/v1/catalog?q=bus");
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
