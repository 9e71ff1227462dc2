using System.Text;
using Marketplace.Client;
using Marketplace.Samples.BuyerClient;

const string Usage = """
    usage: --url http://127.0.0.1:5000 --key <buyer API key> --offering <offering id> --purpose <purpose>
      finds the offering in the catalog, holds a contract for it and reads every record under it
    """;

Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

if (args.Length % 2 != 0
    || options.Keys.Except(["--url", "--key", "--offering", "--purpose"]).Any()
    || !options.TryGetValue("--key", out var key)
    || !options.TryGetValue("--offering", out var offering)
    || !options.TryGetValue("--purpose", out var purpose)
    || !Uri.TryCreate(options.GetValueOrDefault("--url", "http://127.0.0.1:5000").TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var http = new HttpClient { BaseAddress = baseAddress };
var purchase = new Purchase(new MarketplaceClient(http, key), Console.Out);
try
{
    return await purchase.RunAsync(offering, purpose, cancellation.Token);
}
catch (MarketplaceProblemException problem)
{
    problem.WriteTo(Console.Error);
    return 1;
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"Cannot reach the marketplace at {baseAddress}: {e.Message}");
    return 1;
}
