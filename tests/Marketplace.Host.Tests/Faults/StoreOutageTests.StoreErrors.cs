using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;

namespace Marketplace.Host.Tests.Faults;

public sealed partial class StoreOutageTests
{
    [Fact]
    public async Task A_state_write_failing_with_the_stores_own_error_answers_503_ProblemDetails_and_keeps_nothing_of_the_change()
    {
        var party = new { id = MarketplaceDriver.UniqueId("disk-full"), role = "buyer", name = "Disk-full buyer" };
        HttpResponseMessage during;
        _faults.FailGrainWritesWith = () => new SqliteException("database or disk is full", 13);
        try
        {
            during = await fixture.Driver.Operator.PostAsJsonAsync("/api/v1/parties", party);
        }
        finally
        {
            _faults.FailGrainWritesWith = null;
        }

        await MarketplaceDriver.Problem(during, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(during.Headers.RetryAfter);
        // Nothing of the failed registration is served: the same request now registers the party.
        var retried = await fixture.Driver.Operator.PostAsJsonAsync("/api/v1/parties", party);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
    }
}
