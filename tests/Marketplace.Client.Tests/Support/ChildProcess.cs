using System.Diagnostics;
using System.Text;

namespace Marketplace.Client.Tests.Support;

/// <summary>Runs a program the way a person at a terminal would, and the sample city's seeder as build.ps1 run does.</summary>
internal static class ChildProcess
{
    public static string Repository { get; } = FindRepository();

    public static string SeederPath
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(Repository, "samples", "Marketplace.Samples.SmartCity", "bin", configuration, "net10.0", "Marketplace.Samples.SmartCity.dll");
        }
    }

    public static string[] SeedArguments(string baseUrl) =>
        [SeederPath, "seed", "--url", baseUrl, "--operator-key-file", Path.Combine("data", "operator.key"),
            "--keys-file", Path.Combine("data", "demo-keys.env")];

    /// <param name="killWhen">Kills the process (and its children) as soon as a line of its output matches.</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        Func<string, bool>? killWhen = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        void Received(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Append(e.Data).Append('\n');
            }

            if (killWhen?.Invoke(e.Data) == true)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It had already finished.
                }
            }
        }

        process.OutputDataReceived += Received;
        process.ErrorDataReceived += Received;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within 3 minutes.");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Marketplace.sln not found above the test binaries.");
    }
}
