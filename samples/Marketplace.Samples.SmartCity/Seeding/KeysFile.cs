using System.Text;
using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>The demo keys as a shell file of <c>export NAME=key</c> lines, for <c>source</c>.</summary>
internal static class KeysFile
{
    public static string Render(string operatorKey, IReadOnlyDictionary<string, string> partyKeys)
    {
        var text = new StringBuilder();
        text.Append("export ").Append(SampleCity.OperatorKeyVariable).Append('=').Append(ShellWord(operatorKey)).Append('\n');
        foreach (var party in SampleCity.Parties)
        {
            text.Append("export ").Append(party.KeyVariable).Append('=').Append(ShellWord(partyKeys[party.Id])).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes the file readable by its owner only, since it holds every party's credentials.</summary>
    public static void Write(string path, string contents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(contents);
    }

    // Keys are expected to be URL-safe tokens and are written bare; anything else is single-quoted for the shell.
    private static string ShellWord(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '/' or '=')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
