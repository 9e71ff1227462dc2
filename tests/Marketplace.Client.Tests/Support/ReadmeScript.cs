using System.Text;

namespace Marketplace.Client.Tests.Support;

/// <summary>The README's bash blocks as one script, with a curl that records every call for the checks.</summary>
internal static class ReadmeScript
{
    /// <summary>A shell function wrapping curl: each call's arguments, headers and body land in $WALKTHROUGH_CALLS/&lt;n&gt;.*.</summary>
    public const string Prelude = """
        echo 0 > "$WALKTHROUGH_CALLS/count"
        curl() {
          local n rc=0
          n=$(( $(cat "$WALKTHROUGH_CALLS/count") + 1 )); echo "$n" > "$WALKTHROUGH_CALLS/count"
          printf '%s\0' "$@" > "$WALKTHROUGH_CALLS/$n.args"
          command curl -D "$WALKTHROUGH_CALLS/$n.headers" "$@" > "$WALKTHROUGH_CALLS/$n.out" || rc=$?
          cat "$WALKTHROUGH_CALLS/$n.out"
          return $rc
        }

        """;

    /// <summary>The README's bash blocks between <c>&lt;!-- <paramref name="marker"/>:start --&gt;</c> and its end marker, in order.</summary>
    public static string Blocks(string marker)
    {
        var script = new StringBuilder();
        bool inside = false, code = false;
        foreach (var line in File.ReadAllLines(Path.Combine(ChildProcess.Repository, "README.md")))
        {
            if (line.Contains($"<!-- {marker}:start -->", StringComparison.Ordinal))
            {
                inside = true;
            }
            else if (line.Contains($"<!-- {marker}:end -->", StringComparison.Ordinal))
            {
                inside = false;
            }
            else if (inside && line.StartsWith("```", StringComparison.Ordinal))
            {
                code = !code && line == "```bash";
            }
            else if (inside && code)
            {
                script.Append(line).Append('\n');
            }
        }

        Assert.True(script.Length > 0, $"README.md has no bash blocks between the {marker} markers.");
        return script.ToString();
    }

    /// <summary>The number of calls the script made; call n's files are $WALKTHROUGH_CALLS/n.args, n.headers and n.out.</summary>
    public static int CallCount(string calls) =>
        int.Parse(File.ReadAllText(Path.Combine(calls, "count")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
