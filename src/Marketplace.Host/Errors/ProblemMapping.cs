using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Host.Errors;

/// <summary>
/// One error shape everywhere: every failure leaves as RFC 7807 ProblemDetails. Domain rule codes map to
/// statuses by their suffix, so a new rule needs no change here.
/// </summary>
public sealed class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var problem = exception switch
        {
            DomainException e => FromDomain(e),
            ApiProblemException e => e.Problem,
            StoreUnavailableException e => Unavailable(e),
            Orleans.Storage.InconsistentStateException => Problem(409, "Changed concurrently",
                "Someone else changed this at the same moment; nothing of yours was applied. Read it again and retry."),
            BadHttpRequestException e => Problem(e.StatusCode, "The request could not be read", Describe(e)),
            JsonException e => Problem(400, "The request body is not valid JSON", e.Message),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Path}", httpContext.Request.Path);
            problem = Problem(500, "Something went wrong on our side",
                "The error was logged; nothing you sent was half-applied. Try again, and tell the operator if it persists.");
        }
        httpContext.Response.StatusCode = problem.Status ?? 500;
        if (problem.Extensions.TryGetValue("retryAfter", out var retry) && retry is not null)
        {
            httpContext.Response.Headers.RetryAfter = retry.ToString();
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails FromDomain(DomainException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var status = StatusFor(e.Code);
        var problem = Problem(status, TitleFor(status), e.Message);
        problem.Extensions["code"] = e.Code;
        return problem;
    }

    public static int StatusFor(string code) => code switch
    {
        _ when code.EndsWith(".not-found", StringComparison.Ordinal) => 404,
        _ when code.EndsWith(".not-permitted", StringComparison.Ordinal) || code.EndsWith(".forbidden", StringComparison.Ordinal) => 403,
        _ when code.EndsWith(".exists", StringComparison.Ordinal) || code.EndsWith(".conflict", StringComparison.Ordinal)
            || code.EndsWith(".illegal-transition", StringComparison.Ordinal) || code.EndsWith(".not-listed", StringComparison.Ordinal)
            || code.EndsWith(".no-data", StringComparison.Ordinal) => 409,
        _ when code.EndsWith(".quota-exceeded", StringComparison.Ordinal) => 429,
        _ when code.EndsWith(".too-large", StringComparison.Ordinal) => 413,
        _ when code.EndsWith(".unsupported-media-type", StringComparison.Ordinal) => 415,
        _ when code.EndsWith(".rows-invalid", StringComparison.Ordinal) => 422,
        _ => 400,
    };

    private static ProblemDetails Unavailable(StoreUnavailableException e)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds));
        var problem = Problem(503, "The store is busy or unreachable",
            $"Nothing was changed. Try again in {seconds} s; retries with the same Idempotency-Key or eventId are safe.");
        problem.Extensions["retryAfter"] = seconds;
        return problem;
    }

    public static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };

    private static string TitleFor(int status) => status switch
    {
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict with the current state",
        413 => "Too large",
        415 => "Unsupported media type",
        422 => "The content does not fit",
        429 => "Quota used up",
        _ => "The request is not valid",
    };

    private static string Describe(BadHttpRequestException e) =>
        e.InnerException is JsonException json
            ? $"The body is not valid JSON for this endpoint: {json.Message}"
            : e.Message;
}

/// <summary>A ready-made ProblemDetails thrown from an endpoint (for problems with extra members, e.g. row errors).</summary>
public sealed class ApiProblemException(ProblemDetails problem) : Exception(problem?.Detail)
{
    public ProblemDetails Problem { get; } = problem ?? throw new ArgumentNullException(nameof(problem));

    public ApiProblemException() : this(new ProblemDetails()) { }

    public ApiProblemException(string message) : this(new ProblemDetails { Detail = message }) { }

    public ApiProblemException(string message, Exception innerException) : this(new ProblemDetails { Detail = message }) =>
        _ = innerException;
}
