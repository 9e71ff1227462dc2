using Marketplace.Host.Errors;

namespace Marketplace.Host.Tests.Errors;

public sealed class ProblemMappingTests
{
    [Fact]
    public void A_job_the_background_storage_did_not_take_in_time_is_a_503_to_retry_not_a_500()
    {
        var failure = new Hangfire.BackgroundJobClientException("Background job creation failed.", new TimeoutException("The command timed out."));

        var problem = ProblemMapping.Answer(failure);

        Assert.NotNull(problem);
        Assert.Equal(503, problem.Status);
        Assert.Equal(1, problem.Extensions["retryAfter"]);
    }

    [Fact]
    public void A_failure_the_marketplace_does_not_know_has_no_answer_so_it_is_logged_as_a_500()
    {
        Assert.Null(ProblemMapping.Answer(new InvalidOperationException("unexpected")));
    }
}
