using System.Text;
using Marketplace.Samples.SmartCity.City;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>
/// The demo keys as a shell file of <c>export NAME=key</c> lines, for <c>source</c>. API keys are shown only once,
/// so the seeder saves each one the moment it has it: a run stopped half-way leaves every key it was given here.
/// </summary>
internal sealed class KeysFile(string path)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    /// <summary>The file as it stands (none yet is an empty file); lines it does not understand are dropped.</summary>
    public static KeysFile Load(string path)
    {
        var file = new KeysFile(path);
        if (!File.Exists(path))
        {
            return file;
        }

        foreach (var line in File.ReadAllLines(path, Utf8))
        {
            if (line.StartsWith("export ", StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is > 7 and var equals
                && Unquoted(line[(equals + 1)..]) is { Length: > 0 } key)
            {
                file.keys[line[7..equals]] = key;
            }
        }

        return file;
    }

    public string? this[string variable] => keys.GetValueOrDefault(variable);

    /// <summary>Keeps a key and writes the whole file again at once.</summary>
    public void Save(string variable, string key)
    {
        keys[variable] = key;
        Write(Render());
    }

    public void Forget(string variable) => keys.Remove(variable);

    /// <summary>The operator's key first, then the parties' in the sample city's order, then the demo people's passwords; what is not held yet is left out.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        var keyVariables = SampleCity.Parties.Select(p => p.KeyVariable).Prepend(SampleCity.OperatorKeyVariable).ToList();
        foreach (var variable in keyVariables.Concat(keyVariables.Select(DemoPeople.PasswordVariable)).Concat(SeedResidents.Variables))
        {
            if (keys.TryGetValue(variable, out var key))
            {
                text.Append("export ").Append(variable).Append('=').Append(ShellWord(key)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes a temporary file readable by its owner only (it holds every party's credentials) and renames it
    /// over the old one, so a run stopped at any moment leaves either the old file or the new one, never half.
    /// </summary>
    private void Write(string contents)
    {
        var full = System.IO.Path.GetFullPath(Path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Utf8.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // Keys are expected to be URL-safe tokens and are written bare; anything else is single-quoted for the shell.
    private static string ShellWord(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '/' or '=')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Unquoted(string word) =>
        word.Length >= 2 && word[0] == '\'' && word[^1] == '\''
            ? word[1..^1].Replace("'\\''", "'", StringComparison.Ordinal)
            : word.Trim();
}
