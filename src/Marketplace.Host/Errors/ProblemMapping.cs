using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Host.Errors;

/// <summary>
/// One error shape everywhere: every failure leaves as RFC 7807 ProblemDetails. A domain error's status comes
/// from its kind (<see cref="ErrorKind"/>), never from the spelling of its code.
/// </summary>
public sealed class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> logger, IHostEnvironment environment) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        // The path asked for, not the error page's path the exception handler has already put in its place.
        if (Web.WebPages.IsPagePath(httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path))
        {
            // A page's error is answered by the error page (in the visitor's language, never a stack trace); the
            // exception handler logs it.
            return false;
        }
        var problem = Answer(exception);
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Path}", httpContext.Request.Path);
            problem = Problem(500, "Something went wrong on our side",
                "The error was logged; nothing you sent was half-applied. Try again, and tell the operator if it persists.");
            if (environment.IsEnvironment("Testing"))
            {
                // Only under test: the failure itself and what it wraps, so that a rare one in CI says what it was.
                var chain = new List<string>();
                for (var e = exception; e is not null && chain.Count < 5; e = e.InnerException)
                {
                    chain.Add($"{e.GetType().FullName}: {e.Message}");
                }
                problem.Extensions["exception"] = string.Join(" <- ", chain);
            }
        }
        httpContext.Response.StatusCode = problem.Status ?? 500;
        if (problem.Extensions.TryGetValue("retryAfter", out var retry) && retry is not null)
        {
            httpContext.Response.Headers.RetryAfter = retry.ToString();
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The answer to a failure the marketplace knows, or null for one it does not (a 500, logged).</summary>
    public static ProblemDetails? Answer(Exception exception) =>
        Known(exception) switch
        {
            DomainException e => FromDomain(e),
            ApiProblemException e => e.Problem,
            StoreUnavailableException e => Unavailable(e),
            Application.Federation.PartnerUnavailableException e => PartnerUnavailable(e), // h5 (issue 12)
            Orleans.Storage.InconsistentStateException => Problem(409, "Changed concurrently",
                "Someone else changed this at the same moment; nothing of yours was applied. Read it again and retry."),
            BadHttpRequestException e => Problem(e.StatusCode, "The request could not be read", Describe(e)),
            JsonException e => Problem(400, "The request body is not valid JSON", e.Message),
            Orleans.Runtime.OrleansMessageRejectionException or TimeoutException => HostLost(),
            Hangfire.BackgroundJobClientException => JobsBusy(),
            _ => null,
        };

    /// <summary>
    /// Hangfire's storage did not take a job in time (its in-memory dispatcher is busy, or Redis is away). What the
    /// request recorded before it stays, and a run left without its job is queued again when it is next read.
    /// </summary>
    private static ProblemDetails JobsBusy()
    {
        var problem = Problem(503, "Background work is busy",
            "The background job could not be queued just now; try again in 1 s. Anything already recorded (a reconciliation run, say) is kept and starts when it is next read.");
        problem.Extensions["retryAfter"] = 1;
        return problem;
    }

    /// <summary>
    /// The exception that says what happened. Orleans wraps a grain's storage failure (e.g. our
    /// <see cref="StoreUnavailableException"/> while it saves state) in its own exceptions, and tasks wrap in
    /// <see cref="AggregateException"/>: the inner one decides the answer, so an outage stays a 503.
    /// </summary>
    public static Exception Known(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DomainException or ApiProblemException or StoreUnavailableException or Application.Federation.PartnerUnavailableException or Orleans.Storage.InconsistentStateException
                or BadHttpRequestException or JsonException or Orleans.Runtime.OrleansMessageRejectionException)
            {
                return e;
            }
        }
        return exception;
    }

    public static ProblemDetails FromDomain(DomainException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var status = StatusFor(e.Kind);
        var problem = Problem(status, TitleFor(status), e.Message);
        problem.Extensions["code"] = e.Code;
        return problem;
    }

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => 400,
        ErrorKind.NotFound => 404,
        ErrorKind.Forbidden => 403,
        ErrorKind.Conflict => 409,
        ErrorKind.Quota => 429,
        ErrorKind.TooLarge => 413,
        ErrorKind.UnsupportedMediaType => 415,
        ErrorKind.Unprocessable => 422,
        ErrorKind.Unavailable => 503,
        ErrorKind.PreconditionFailed => 412,
        ErrorKind.PreconditionRequired => 428,
        ErrorKind.NotAcceptable => 406,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An error kind without an HTTP status."),
    };

    private static ProblemDetails Unavailable(StoreUnavailableException e)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds));
        var problem = Problem(503, "The store is busy or unreachable",
            $"Nothing was changed. Try again in {seconds} s; retries with the same Idempotency-Key or eventId are safe.");
        problem.Extensions["retryAfter"] = seconds;
        return problem;
    }

    /// <summary>
    /// A host of the cluster went away while this request needed a grain it held (rejected, or no answer in time):
    /// the cluster moves the grain within a second or two. Whether the request took effect is unknown, so the
    /// answer says to retry with the same key, which is safe.
    /// </summary>
    private static ProblemDetails HostLost()
    {
        var problem = Problem(503, "A host of the marketplace went away",
            "The part of the marketplace this request needed was on a host that stopped; it is being moved now. Try again in 1 s; "
            + "retries with the same Idempotency-Key or eventId are safe and are never counted twice.");
        problem.Extensions["retryAfter"] = 1;
        return problem;
    }

    /// <summary>A partner city unreachable (503) or answering what cannot be relayed (502): nothing was served or metered here.</summary>
    private static ProblemDetails PartnerUnavailable(Application.Federation.PartnerUnavailableException e)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds));
        var problem = Problem(e.BadGateway ? 502 : 503, e.BadGateway ? "The partner city answered badly" : "The partner city is unreachable", e.Message);
        problem.Extensions["code"] = e.BadGateway ? "partner.bad-answer" : "partner.unavailable";
        problem.Extensions["partnerId"] = e.PartnerId;
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
        412 => "Changed since you read it",
        428 => "Say which version you change",
        413 => "Too large",
        415 => "Unsupported media type",
        406 => "Not acceptable",
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
