using System.Text;
using Marketplace.Storage;

namespace Marketplace.Host;

/// <summary>
/// A key folder as a directory of owner-only (0600) files. Each file is written aside and then renamed into place
/// without overwriting, so no reader sees part of one and two hosts on the same directory keep the first.
/// </summary>
public sealed class FileKeyFolder : IKeyFolder
{
    public FileKeyFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Path = System.IO.Path.GetFullPath(directory);
        PrivateFile.CreateDirectory(Path);
    }

    public string Path { get; }

    public IReadOnlyList<string> Names() =>
        [.. Directory.EnumerateFiles(Path).Select(System.IO.Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.'))];

    public string? Read(string name)
    {
        try
        {
            return File.ReadAllText(FileOf(name), Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // never made, or removed by another host meanwhile
        }
    }

    public void CreateNew(string name, string text)
    {
        var path = FileOf(name);
        var aside = System.IO.Path.Combine(Path, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(aside, PrivateFile.CreateNew()))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(aside, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another host made it first: theirs stays.
            }
        }
        finally
        {
            File.Delete(aside);
        }
    }

    public void Delete(string name) => File.Delete(FileOf(name));

    /// <summary>The entry's file (names are plain file names: no directory part).</summary>
    public string FileOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name != System.IO.Path.GetFileName(name) || name.StartsWith('.'))
        {
            throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
        }
        return System.IO.Path.Combine(Path, name);
    }
}
