namespace Marketplace.Samples.SmartCity;

/// <summary>
/// <c>seed [--url U] [--operator-key-file F] [--keys-file K]</c> or <c>generate &lt;dataset-id&gt;</c>.
/// Small enough that a parser package would be more code to read than this.
/// </summary>
internal sealed record CommandLine(string Command, string Url, string OperatorKeyFile, string KeysFile, string? DatasetId)
{
    public const string Usage = """
        usage:
          seed [--url http://127.0.0.1:5000] [--operator-key-file ./data/operator.key] [--keys-file ./data/demo-keys.env]
              load the sample city (or finish loading it) and write the demo keys file
          generate <dataset-id>
              write one dataset to standard output in its upload format (CSV or JSON Lines)
        """;

    private static readonly string[] SeedOptions = ["--url", "--operator-key-file", "--keys-file"];

    public static CommandLine? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return null;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
            }
            else if (i + 1 < args.Count)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                return null;
            }
        }

        var valid = args[0] switch
        {
            "seed" => positional.Count == 0 && options.Keys.All(SeedOptions.Contains),
            "generate" => positional.Count == 1 && options.Count == 0,
            _ => false,
        };

        return valid
            ? new CommandLine(
                args[0],
                options.GetValueOrDefault("--url", "http://127.0.0.1:5000"),
                options.GetValueOrDefault("--operator-key-file", "./data/operator.key"),
                options.GetValueOrDefault("--keys-file", "./data/demo-keys.env"),
                positional.FirstOrDefault())
            : null;
    }
}
