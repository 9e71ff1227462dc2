using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests;

/// <summary>Rules checked across the whole codebase by reflection, so a new type or endpoint cannot forget them.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class WholesomeTests(MarketplaceFixture fixture)
{
    private static readonly Assembly[] OurAssemblies =
    [
        typeof(Domain.Money).Assembly,
        typeof(Grains.IContractGrain).Assembly,
        typeof(Grains.ContractGrain).Assembly,
    ];

    [Fact]
    public void Every_serialized_type_has_an_alias()
    {
        var missing = OurAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null && t.GetCustomAttribute<AliasAttribute>() is null)
            .Select(t => t.FullName);

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_grain_interface_and_method_has_an_alias()
    {
        var grainInterfaces = typeof(Grains.IContractGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t)).ToList();
        var missing = grainInterfaces.Where(i => i.GetCustomAttribute<AliasAttribute>() is null).Select(i => i.Name)
            .Concat(grainInterfaces.SelectMany(i => i.GetMethods()).Where(m => m.GetCustomAttribute<AliasAttribute>() is null)
                .Select(m => $"{m.DeclaringType!.Name}.{m.Name}"));

        Assert.NotEmpty(grainInterfaces);
        Assert.Empty(missing);
    }

    [Fact]
    public void Grain_state_classes_are_not_marked_immutable()
    {
        var wrong = typeof(Grains.ContractGrain).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("State", StringComparison.Ordinal) && t.GetCustomAttribute<ImmutableAttribute>() is not null);

        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_api_endpoint_has_a_name_a_summary_and_a_problem_response()
    {
        var endpoints = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true).ToList();
        var incomplete = endpoints.Where(e =>
                e.Metadata.GetMetadata<IEndpointNameMetadata>() is null
                || e.Metadata.GetMetadata<IEndpointSummaryMetadata>() is null
                || !e.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Any(p => p.StatusCode >= 400)
                    && e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is null)
            .Select(e => e.RoutePattern.RawText);

        Assert.True(endpoints.Count > 20);
        Assert.Empty(incomplete);
    }

    [Fact]
    public async Task The_openapi_document_and_the_api_reference_are_served()
    {
        var client = fixture.Factory.CreateClient();

        var openApi = await client.GetStringAsync("/openapi/v1.json");
        var reference = await client.GetAsync("/scalar");

        Assert.Contains("\"/api/v1/contracts/{id}/records\"", openApi, StringComparison.Ordinal);
        Assert.True(reference.IsSuccessStatusCode);
    }
}
