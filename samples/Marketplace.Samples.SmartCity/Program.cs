using System.Text;
using Marketplace.Client;
using Marketplace.Samples.SmartCity;
using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Seeding;

Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var commandLine = CommandLine.Parse(args);
if (commandLine is null)
{
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

return commandLine.Command == "generate"
    ? await GenerateAsync(commandLine.DatasetId!, cancellation.Token)
    : await SeedAsync(commandLine, cancellation.Token);

static async Task<int> GenerateAsync(string datasetId, CancellationToken cancellationToken)
{
    var dataset = SampleCity.Datasets.FirstOrDefault(d => d.Id == datasetId);
    if (dataset is null)
    {
        Console.Error.WriteLine($"No dataset '{datasetId}'; the sample city has {string.Join(", ", SampleCity.Datasets.Select(d => d.Id))}.");
        return 2;
    }

    var stdout = Console.OpenStandardOutput();
    await using var writer = new StreamWriter(stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    await dataset.Format.WriteAsync(writer, dataset.Table, cancellationToken);
    return 0;
}

static async Task<int> SeedAsync(CommandLine commandLine, CancellationToken cancellationToken)
{
    if (!File.Exists(commandLine.OperatorKeyFile))
    {
        Console.Error.WriteLine($"No operator key file at {commandLine.OperatorKeyFile}; the marketplace writes it on first start.");
        return 1;
    }

    var operatorKey = (await File.ReadAllTextAsync(commandLine.OperatorKeyFile, cancellationToken)).Trim();
    if (operatorKey.Length == 0)
    {
        Console.Error.WriteLine($"The operator key file {commandLine.OperatorKeyFile} is empty.");
        return 1;
    }

    if (!Uri.TryCreate(commandLine.Url.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress))
    {
        Console.Error.WriteLine($"--url {commandLine.Url} is not an absolute URL.");
        return 2;
    }

    using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    var seeder = new Seeder(new MarketplaceClient(http, operatorKey), Console.Out);
    try
    {
        await seeder.SeedAsync(operatorKey, commandLine.KeysFile, cancellationToken);
        return 0;
    }
    catch (MarketplaceProblemException problem)
    {
        problem.WriteTo(Console.Error);
    }
    catch (CityMismatchException e)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine("Start on an empty data directory to seed the sample city afresh.");
        return 1;
    }
    catch (HttpRequestException e)
    {
        Console.Error.WriteLine($"Cannot reach the marketplace at {baseAddress}: {e.Message}");
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("Seeding was stopped.");
    }

    Console.Error.WriteLine("The sample city is not complete yet; seeding again resumes where it stopped.");
    return 1;
}
