using Marketplace.Host.Auth;
using Marketplace.Host.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Host.OpenApi;

/// <summary>
/// What the generated OpenAPI document says beyond the endpoints themselves: the product, the bearer scheme
/// and where it applies, each operation's description, and the ProblemDetails answers every operation can
/// give (401 and 403 from authorization, 404 on an id, 400 on input, 429 from the rate limiter, 503 when the
/// store is unavailable). It must pass Spectral's spectral:oas ruleset with no warning (OpenApiLintTests).
/// </summary>
public static class ApiDocument
{
    public const string BearerScheme = "bearer";

    /// <summary>The payment processor's webhooks authenticate each delivery by its signature header, not a key.</summary>
    public const string WebhookSignatureScheme = "stripeSignature";
    private const string ProblemSchema = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddMarketplaceOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddOperationTransformer(DescribeOperation);
        o.AddDocumentTransformer(DescribeDocument);
    });

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = ApiReference.Title,
            Version = "1.0.0",
            Description = "A city data marketplace: providers list open, private and personal datasets and offer them under "
                + "priced, policy-bound contracts; buyers subscribe and read records through the marketplace, which checks "
                + "each page against the contract and meters it. Authenticate with an API key as `Authorization: Bearer mk_...`; "
                + "errors are RFC 7807 problem documents with a stable `code`.",
            Contact = new OpenApiContact { Name = "Marketplace operator", Email = "operator@minato-mirai.example", Url = new Uri("https://minato-mirai.example/marketplace") },
            License = new OpenApiLicense { Name = "Apache-2.0", Url = new Uri("https://www.apache.org/licenses/LICENSE-2.0") },
        };
        document.Servers = [new OpenApiServer { Url = "/", Description = "This marketplace (the host serving this document)" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "mk_{prefix}_{secret}",
            Description = "A marketplace API key. The operator's first key is written to {DataDirectory}/operator.key; "
                + "the operator issues keys to parties with POST /api/v1/parties and POST /api/v1/parties/{id}/keys.",
        };
        document.Components.SecuritySchemes[WebhookSignatureScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Stripe-Signature",
            Description = "Stripe's signature of the delivery (t=<unix time>,v1=<HMAC-SHA256 of the payload>) with the endpoint's signing secret "
                + "(Marketplace:Stripe:WebhookSecret); deliveries more than 300 seconds old are refused.",
        };
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag { Name = name, Description = OperationDescriptions.OfTag(name) }));
        return Task.CompletedTask;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (string.IsNullOrWhiteSpace(operation.Description) && operation.OperationId is { } id)
        {
            operation.Description = OperationDescriptions.Of(id);
        }
        operation.Responses ??= [];
        if (!operation.Responses.Keys.Any(k => k.StartsWith('2')))
        {
            operation.Responses["200"] = new OpenApiResponse { Description = "OK" };
        }

        var authorized = metadata.OfType<IAuthorizeData>().ToList();
        if (context.Description.RelativePath?.StartsWith("webhooks/", StringComparison.Ordinal) == true)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(WebhookSignatureScheme, context.Document)] = [] }];
        }
        else if (authorized.Any(a => a.Policy == Policies.AnyoneOrValidKey))
        {
            // An empty requirement next to the bearer one: the key is optional.
            operation.Security = [new OpenApiSecurityRequirement(), new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            AddProblem(operation, context, "401", "A key was sent, but it is unknown, revoked or of a suspended party (send none to search as anyone).");
        }
        else if (authorized.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            AddProblem(operation, context, "401", "No API key, or one that is unknown, revoked or of a suspended party.");
            if (authorized.Any(a => a.Policy is not null || a.Roles is not null))
            {
                AddProblem(operation, context, "403", "The key's role may not use this operation.");
            }
        }
        var parameters = context.Description.ParameterDescriptions;
        if (parameters.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path))
        {
            AddProblem(operation, context, "404", "Nothing with this id is visible to you (unknown ids and other parties' ids answer alike).");
        }
        if (parameters.Count > 0 || operation.RequestBody is not null)
        {
            AddProblem(operation, context, "400", "The request is not valid; the detail says which field and why.");
        }
        AddProblem(operation, context, "429", "Too many requests for this key or address (see Retry-After), or the contract's quota is used up.");
        AddProblem(operation, context, "503", "The store is briefly unavailable; nothing was changed. Retry after Retry-After seconds.");
        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string description)
    {
        if (operation.Responses!.TryGetValue(status, out var existing))
        {
            if (existing is OpenApiResponse response && string.IsNullOrWhiteSpace(response.Description))
            {
                response.Description = description;
            }
            return;
        }
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
    }
}
