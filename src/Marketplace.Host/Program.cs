using Marketplace.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddMarketplace();

var app = builder.Build();
app.UseMarketplace();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
